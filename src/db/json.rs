//! Lists stored as JSON arrays (image names, scopes, store ids, …).

/// Reads a JSON array of strings; anything else (or any non-string item) reads as absent.
pub fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(|item| item.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}
