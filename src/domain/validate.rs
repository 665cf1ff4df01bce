//! Input checks that collect every problem of a request (not just the first) as
//! `{field, message}` pairs, so a client can show them next to its form fields.

use std::fmt::Display;
use std::ops::RangeInclusive;

use crate::domain::money;
use crate::error::{ApiError, FieldError};

/// Whether a text holds no control character but tab, line feed and carriage return (NUL among
/// them: PostgreSQL cannot store it in text).
pub fn is_clean_text(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// What is wrong with the length (in characters) of `value`, if anything.
pub fn length_problem(value: &str, length: &RangeInclusive<usize>) -> Option<String> {
    let count = value.chars().count();
    (!length.contains(&count)).then(|| {
        if *length.start() == 0 {
            format!("must be at most {} characters", length.end())
        } else {
            format!("must be {} to {} characters", length.start(), length.end())
        }
    })
}

/// An absolute http(s) URL with a host and no spaces.
pub fn is_web_url(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty() && !text.chars().any(char::is_whitespace) && text.len() <= 2048
}

/// The problems found so far, with field names relative to `prefix` (`variants[0].`).
#[derive(Default)]
pub struct Checks {
    prefix: String,
    problems: Vec<FieldError>,
}

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `check` with field names under `prefix` (e.g. `variants[2]`).
    pub fn within(&mut self, prefix: &str, check: impl FnOnce(&mut Self)) {
        let inner = format!("{}{prefix}.", self.prefix);
        let outer = std::mem::replace(&mut self.prefix, inner);
        check(self);
        self.prefix = outer;
    }

    /// Records a problem with `field`.
    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(FieldError { field: format!("{}{field}", self.prefix), message: message.into() });
    }

    /// A text whose length in characters must be within `length`.
    pub fn text(&mut self, field: &str, value: &str, length: RangeInclusive<usize>) {
        if let Some(message) = length_problem(value, &length) {
            self.fail(field, message);
        }
    }

    /// A text of written words: within `length` characters and not only spaces.
    pub fn words(&mut self, field: &str, value: &str, length: RangeInclusive<usize>) {
        if value.trim().is_empty() {
            self.fail(field, format!("must be {} to {} characters, not only spaces", length.start(), length.end()));
        } else {
            self.text(field, value, length);
        }
    }

    /// An optional text: absent is fine, present must be within `length`.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, length: RangeInclusive<usize>) {
        if let Some(value) = value {
            self.text(field, value, length);
        }
    }

    /// A number within `range`.
    pub fn number<T: PartialOrd + Display>(&mut self, field: &str, value: T, range: RangeInclusive<T>) {
        if !range.contains(&value) {
            self.fail(field, format!("must be between {} and {}", range.start(), range.end()));
        }
    }

    /// An amount of money (in cents) within `range`, reported in currency units (`100000.00`).
    pub fn amount(&mut self, field: &str, cents: i64, range: RangeInclusive<i64>) {
        if !range.contains(&cents) {
            let (low, high) = (money::from_cents(*range.start()), money::from_cents(*range.end()));
            self.fail(field, format!("must be between {low} and {high}"));
        }
    }

    /// A list of at most `max` texts, each within `length`.
    pub fn texts(&mut self, field: &str, values: &[String], max: usize, length: RangeInclusive<usize>) {
        if values.len() > max {
            self.fail(field, format!("must have at most {max} entries"));
            return;
        }
        for (index, value) in values.iter().enumerate() {
            self.text(&format!("{field}[{index}]"), value, length.clone());
        }
    }

    /// A slug: `length` characters of ASCII letters, digits, `-` and `_`.
    pub fn slug(&mut self, field: &str, value: &str, length: RangeInclusive<usize>) {
        if !length.contains(&value.len()) {
            self.fail(field, format!("must be {} to {} characters", length.start(), length.end()));
        } else if !value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            self.fail(field, "may contain only letters, digits, '-' and '_'");
        }
    }

    /// An amount of money in exact cents, or a problem with `field` (and 0) when it has a
    /// fraction of a cent or does not fit.
    pub fn cents(&mut self, field: &str, amount: rust_decimal::Decimal) -> i64 {
        crate::domain::money::to_cents(amount).unwrap_or_else(|| {
            self.fail(field, "must have at most two decimal places");
            0
        })
    }

    /// An email address, normalized (trimmed, lower-cased), or a problem with `field`.
    pub fn email(&mut self, field: &str, value: &str) -> Option<String> {
        let email = crate::auth::users::normalize_email(value);
        if email.is_none() {
            self.fail(field, "must look like name@example.com and be at most 254 characters");
        }
        email
    }

    /// Whether nothing has failed so far.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// `Ok` when nothing failed, otherwise a `VALIDATION` error listing every problem.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_reported_under_its_path() {
        let mut checks = Checks::new();
        checks.text("name", "ab", 3..=64);
        checks.within("variants[1]", |c| {
            c.number("cost", -1, 0..=100);
            c.texts("deliveryTypes", &["".into()], 5, 1..=32);
        });
        checks.slug("slug", "no spaces", 1..=72);
        checks.text("description", "ok", 0..=10);
        let Err(ApiError::Validation(problems)) = checks.finish() else { panic!("expected a validation error") };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "variants[1].cost", "variants[1].deliveryTypes[0]", "slug"]);
        assert_eq!(problems[0].message, "must be 3 to 64 characters");
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let mut checks = Checks::new();
        checks.text("name", "ééé", 3..=3);
        assert!(checks.finish().is_ok());
    }
}
