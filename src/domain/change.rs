//! Partial updates: a change names only what it changes.

/// Puts `change` into `slot` when there is one; `None` keeps what is there. For an optional
/// field the change is an `Option<Option<T>>`, so `Some(None)` clears it.
pub fn apply<T>(change: Option<T>, slot: &mut T) {
    if let Some(value) = change {
        *slot = value;
    }
}
