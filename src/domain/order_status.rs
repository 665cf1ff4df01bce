//! The order status machine: pending → confirmed → shipped → delivered; pending or confirmed →
//! cancelled (stock goes back); confirmed, shipped or delivered → refunded (store credit spent on
//! the order goes back). Cancelling and refunding need a reason.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// Placed; stock is reserved.
    Pending,
    /// Accepted by the merchant.
    Confirmed,
    /// On its way.
    Shipped,
    /// Received by the buyer.
    Delivered,
    /// Called off before shipping; its stock was put back.
    Cancelled,
    /// Paid back; store credit spent on it was returned.
    Refunded,
}

impl OrderStatus {
    const NAMES: &'static [(Self, &'static str)] = &[
        (Self::Pending, "pending"),
        (Self::Confirmed, "confirmed"),
        (Self::Shipped, "shipped"),
        (Self::Delivered, "delivered"),
        (Self::Cancelled, "cancelled"),
        (Self::Refunded, "refunded"),
    ];

    /// The stored name (`pending`, …).
    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(s, _)| *s == self).map_or("pending", |(_, n)| n)
    }

    /// The status stored as `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::NAMES.iter().find(|(_, n)| *n == name).map(|(s, _)| *s)
    }

    /// Whether an order in this status may move to `to`.
    pub fn can_become(self, to: Self) -> bool {
        use OrderStatus::*;
        matches!(
            (self, to),
            (Pending, Confirmed)
                | (Confirmed, Shipped)
                | (Shipped, Delivered)
                | (Pending | Confirmed, Cancelled)
                | (Confirmed | Shipped | Delivered, Refunded)
        )
    }

    /// Whether moving to this status needs a reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, Self::Cancelled | Self::Refunded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_transitions_are_allowed() {
        let all = OrderStatus::NAMES.iter().map(|(s, _)| *s).collect::<Vec<_>>();
        let allowed: Vec<(&str, &str)> = all
            .iter()
            .flat_map(|from| all.iter().map(move |to| (*from, *to)))
            .filter(|(from, to)| from.can_become(*to))
            .map(|(from, to)| (from.name(), to.name()))
            .collect();
        assert_eq!(
            allowed,
            [
                ("pending", "confirmed"),
                ("pending", "cancelled"),
                ("confirmed", "shipped"),
                ("confirmed", "cancelled"),
                ("confirmed", "refunded"),
                ("shipped", "delivered"),
                ("shipped", "refunded"),
                ("delivered", "refunded"),
            ]
        );
        for (status, name) in OrderStatus::NAMES {
            assert_eq!(OrderStatus::from_name(name), Some(*status));
        }
    }
}
