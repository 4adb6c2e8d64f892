//! Field checks the message types share: errors name the field and the limit.

use crate::error::{Error, Result};

pub(crate) fn non_blank(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    Ok(())
}

pub(super) fn at_most(field: &str, value: &str, limit: usize) -> Result<()> {
    let length = value.chars().count();
    if length > limit {
        return Err(Error::invalid(
            field,
            format!("WhatsApp allows at most {limit} characters here; this has {length}"),
        ));
    }
    Ok(())
}

pub(super) fn check_url(field: &str, url: &str) -> Result<()> {
    match reqwest::Url::parse(url.trim()) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(()),
        Ok(_) => Err(Error::invalid(field, "must be an http or https URL")),
        Err(e) => Err(Error::invalid(field, format!("`{url}` is not a URL: {e}"))),
    }
}
