//! The issuer's EMV settings (`payqr issue --profile emv --emv-config FILE`):
//! the merchant account wallets pay into and what they show the payer.
//!
//! ```json
//! { "payqr": "payqr emv config v1",
//!   "merchant_accounts": [ { "id": 26, "gui": "BR.GOV.BCB.PIX",
//!                            "fields": { "01": "multas@detran.example" } } ],
//!   "mcc": "9222", "country": "BR",
//!   "merchant_name": "DETRAN SP", "merchant_city": "SAO PAULO",
//!   "postal_code": "01000000",
//!   "language": { "preference": "PT", "name": "Detran São Paulo", "city": "São Paulo" } }
//! ```
//!
//! `postal_code` and `language` (template 64, for names in another script)
//! are optional. A merchant account is a template (ids 26–51: `gui` plus
//! `fields`, sub-ids 01–99) or a primitive reserved for a card scheme (ids
//! 02–25: `value`). Every value is checked against the EMV field rules on
//! load, so a bad file fails before any code is issued.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::tlv::{self, MAX_VALUE_CHARS};

/// The `payqr` tag of a configuration file.
pub const FILE_TAG: &str = "payqr emv config v1";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    payqr: String,
    merchant_accounts: Vec<Account>,
    mcc: String,
    country: String,
    merchant_name: String,
    merchant_city: String,
    #[serde(default)]
    postal_code: Option<String>,
    #[serde(default)]
    language: Option<Language>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Account {
    id: u8,
    #[serde(default)]
    gui: Option<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Language {
    preference: String,
    name: String,
    #[serde(default)]
    city: Option<String>,
}

/// The issuer's objects, checked, ready to go into every payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// (id, value) of objects 02–51, 52, 58, 59, 60, 61 and 64, ascending.
    pub objects: Vec<(u8, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: {problem}")]
    Read { file: String, problem: String },
    #[error("{file}: {field}: {problem}")]
    Invalid {
        file: String,
        field: String,
        problem: String,
    },
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            file: file.clone(),
            problem: e.to_string(),
        })?;
        Config::from_json(&text, &file)
    }

    /// Parses and checks a configuration; `file` names it in errors.
    pub fn from_json(text: &str, file: &str) -> Result<Config, ConfigError> {
        let f: File = serde_json::from_str(text).map_err(|e| ConfigError::Read {
            file: file.into(),
            problem: e.to_string(),
        })?;
        let bad = |field: &str, problem: String| ConfigError::Invalid {
            file: file.into(),
            field: field.into(),
            problem,
        };
        if f.payqr != FILE_TAG {
            return Err(bad("payqr", format!("expected {FILE_TAG:?}")));
        }
        if f.merchant_accounts.is_empty() {
            return Err(bad(
                "merchant_accounts",
                "at least one account is needed: wallets pay into it".into(),
            ));
        }
        let mut objects = Vec::new();
        for (i, a) in f.merchant_accounts.iter().enumerate() {
            let field = format!("merchant_accounts[{i}]");
            let value = account_value(a).map_err(|p| bad(&field, p.to_string()))?;
            if objects.iter().any(|(id, _)| *id == a.id) {
                return Err(bad(&field, format!("id {} is used twice", a.id)));
            }
            objects.push((a.id, value));
        }
        let mut put = |field: &str, id: u8, value: &str| -> Result<(), ConfigError> {
            tlv::check_value(&[id], value).map_err(|p| bad(field, p.to_string()))?;
            objects.push((id, value.to_string()));
            Ok(())
        };
        put("mcc", 52, &f.mcc)?;
        put("country", 58, &f.country)?;
        put("merchant_name", 59, &f.merchant_name)?;
        put("merchant_city", 60, &f.merchant_city)?;
        if let Some(p) = &f.postal_code {
            put("postal_code", 61, p)?;
        }
        if let Some(l) = &f.language {
            let mut subs = vec![(0, l.preference.as_str()), (1, l.name.as_str())];
            if let Some(c) = &l.city {
                subs.push((2, c));
            }
            let value = template(64, &subs).map_err(|p| bad("language", p.to_string()))?;
            objects.push((64, value));
        }
        let blank = objects.iter().find(|(_, v)| v.trim().is_empty());
        if let Some((id, _)) = blank {
            return Err(bad(&format!("{id:02}"), "must not be empty".into()));
        }
        objects.sort_by_key(|(id, _)| *id);
        Ok(Config { objects })
    }
}

/// Why a merchant account or a template of the configuration is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectError {
    #[error(transparent)]
    Value(#[from] tlv::ValueError),
    #[error("id {0} is a primitive account: give \"value\" only")]
    Primitive(u8),
    #[error("id {0} is a template: give \"gui\" and \"fields\"")]
    Template(u8),
    #[error("id {0} is not a merchant account id (02-51)")]
    NotAccount(u8),
    #[error("field id {0:?} is not 01-99")]
    SubId(String),
    #[error("{id:02}-{sub:02} must not be empty")]
    EmptySub { id: u8, sub: u8 },
    #[error("{id:02}-{sub:02}: {problem}")]
    Sub {
        id: u8,
        sub: u8,
        problem: tlv::ValueError,
    },
    #[error("template {id:02} is {chars} characters, at most {MAX_VALUE_CHARS} allowed")]
    TooLong { id: u8, chars: usize },
}

fn account_value(a: &Account) -> Result<String, ObjectError> {
    match (a.id, &a.gui, &a.value) {
        (2..=25, None, Some(v)) if a.fields.is_empty() => {
            tlv::check_value(&[a.id], v)?;
            Ok(v.clone())
        }
        (2..=25, ..) => Err(ObjectError::Primitive(a.id)),
        (26..=51, Some(gui), None) => {
            let mut subs = vec![(0, gui.as_str())];
            for (k, v) in &a.fields {
                let sub = k
                    .parse::<u8>()
                    .ok()
                    .filter(|n| k.len() == 2 && (1..=99).contains(n))
                    .ok_or_else(|| ObjectError::SubId(k.clone()))?;
                subs.push((sub, v.as_str()));
            }
            template(a.id, &subs)
        }
        (26..=51, ..) => Err(ObjectError::Template(a.id)),
        (id, ..) => Err(ObjectError::NotAccount(id)),
    }
}

/// A template's value from its sub-objects, each checked, within 99 characters.
fn template(id: u8, subs: &[(u8, &str)]) -> Result<String, ObjectError> {
    let mut value = String::new();
    for &(sub, v) in subs {
        if v.is_empty() {
            return Err(ObjectError::EmptySub { id, sub });
        }
        tlv::check_value(&[id, sub], v).map_err(|problem| ObjectError::Sub { id, sub, problem })?;
        value.push_str(&tlv::tlv(sub, v));
    }
    let chars = value.chars().count();
    if chars > MAX_VALUE_CHARS {
        return Err(ObjectError::TooLong { id, chars });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const EXAMPLE: &str = r#"{ "payqr": "payqr emv config v1",
      "merchant_accounts": [ { "id": 26, "gui": "BR.GOV.BCB.PIX",
                               "fields": { "01": "multas@detran.example" } } ],
      "mcc": "9222", "country": "BR",
      "merchant_name": "DETRAN SP", "merchant_city": "SAO PAULO",
      "language": { "preference": "PT", "name": "Detran São Paulo" } }"#;

    #[test]
    fn example_loads() {
        let c = Config::from_json(EXAMPLE, "x.json").unwrap();
        let ids: Vec<u8> = c.objects.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [26, 52, 58, 59, 60, 64]);
        assert_eq!(
            c.objects[0].1,
            "0014BR.GOV.BCB.PIX0121multas@detran.example"
        );
        assert_eq!(c.objects[5].1, "0002PT0116Detran São Paulo");
    }

    #[test]
    fn errors_name_file_and_field() {
        let err = |from: &str, to: &str| {
            Config::from_json(&EXAMPLE.replace(from, to), "x.json")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("DETRAN SP", "DEPARTAMENTO ESTADUAL DE TRANSITO"),
            "x.json: merchant_name: 33 characters, at most 25 allowed"
        );
        assert!(err("\"9222\"", "\"92\"").starts_with("x.json: mcc: \"92\" is not 4 digits"));
        assert!(err("\"id\": 26", "\"id\": 52").contains("not a merchant account id"));
        assert!(err("\"01\": \"multas", "\"1\": \"multas").contains("field id \"1\""));
        assert!(
            err("multas@detran.example", &"m".repeat(80)).contains("template 26 is 102 characters")
        );
        assert!(err("\"mcc\"", "\"mcc_code\"").contains("unknown field"));
        assert!(err("config v1", "config v2").contains("payqr: expected"));
        assert!(err("multas@detran", "multas@trânsito").contains("26-01: character 'â'"));
    }
}
