//! `payqr emv`: EMV MPM payloads of any scheme (PIX, PromptPay, QRIS, …).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::{Value, json};

use payqr::emv::tlv::{self, Object, Payload};
use payqr::i18n::{Lang, admin, problems};
use payqr::sanitize::for_terminal;

use super::{CmdResult, Failure, Outcome};
use crate::cmd::errtext;
use crate::cmd::output::{self, Inputs};

pub type Args = super::group::Group<Action>;

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Parse and check an EMV MPM payload: every object with its field name,
    /// nested templates, CRC.
    #[command(after_help = "\
Examples:
  payqr emv parse '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D'
  payqr emv parse sticker.jpg --json
  scanner-gun | payqr emv parse -

The parser is strict: a wrong CRC, a truncated object, a value longer than
its field allows, an id given twice or a character outside the EMV common
character set is an error naming the object and its position. Lengths count
characters; the CRC covers the UTF-8 bytes. Absent mandatory objects are
warnings (some schemes leave them out). Exit 0 when every payload is valid,
1 when any is not, 2 when an input could not be read.")]
    Parse {
        /// A payload text, an image holding EMV QR codes, or - for one payload per line on stdin.
        #[arg(value_name = "PAYLOAD|IMAGE")]
        input: String,
        /// One JSON object per payload.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(a: Args) -> CmdResult {
    let Action::Parse { input, json } = a.action;
    let inputs = if input == "-" {
        Inputs::Stdin
    } else if Path::new(&input).is_file() {
        Inputs::Images(vec![PathBuf::from(&input)])
    } else if names_a_file(&input) {
        // Not a payload (every payload starts with "00" and ends with a
        // hexadecimal CRC): a file that is not there, said as such rather
        // than parsed as TLV.
        let lang = crate::cmd::lang();
        let why = match std::fs::metadata(&input) {
            Ok(m) if m.is_dir() => admin::is_directory(lang),
            Ok(_) => admin::not_regular_file(lang),
            Err(e) => e.to_string(),
        };
        let input = for_terminal(&input);
        return Err(Failure::new(problems::file_error(lang, &input, &why)));
    } else {
        Inputs::Text(input)
    };
    let mut out = std::io::stdout().lock();
    let lang = crate::cmd::lang();
    let mut all_valid = true;
    let errors = output::for_each_item(&inputs, |item| {
        // JSON keeps the English error; the terminal gets the reader's.
        let parsed = match &item.text {
            Some(t) => tlv::parse(t).map_err(|e| (e.to_string(), errtext::emv_error(lang, &e))),
            None => Err((
                payqr::i18n::verdict::why_no_code(Lang::En),
                payqr::i18n::verdict::why_no_code(lang),
            )),
        };
        all_valid &= parsed.is_ok();
        match (&parsed, json) {
            (Ok(p), true) => writeln!(out, "{}", payload_json(&item.source, p))?,
            (Err((e, _)), true) => writeln!(
                out,
                "{}",
                json!({ "source": item.source, "valid": false, "error": e })
            )?,
            (Ok(p), false) => {
                if !matches!(inputs, Inputs::Text(_)) {
                    writeln!(out, "{}:", for_terminal(&item.source))?;
                }
                write_tree(&mut out, &p.objects, 0)?;
                for w in &p.warnings {
                    eprintln!(
                        "{}",
                        admin::emv_warning(lang, &for_terminal(&item.source), w)
                    );
                }
            }
            (Err((_, e)), false) => {
                eprintln!(
                    "{}",
                    admin::emv_error(lang, &for_terminal(&item.source), &for_terminal(e))
                )
            }
        }
        out.flush()?;
        Ok(())
    })?;
    if errors > 0 {
        return Err(Failure::new(payqr::i18n::cli::unreadable_inputs(
            lang, &errors,
        )));
    }
    Ok(Outcome::from_ok(all_valid))
}

/// Whether an argument that is not a readable file was meant as one: it
/// does not start with a digit, or ends like an image file name.
fn names_a_file(input: &str) -> bool {
    let lower = input.trim().to_ascii_lowercase();
    let image = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"]
        .iter()
        .any(|ext| lower.ends_with(ext));
    image || !lower.is_empty() && !lower.starts_with(|c: char| c.is_ascii_digit())
}

fn write_tree(out: &mut impl Write, objects: &[Object], depth: usize) -> Result<(), Failure> {
    let indent = "  ".repeat(depth);
    for o in objects {
        if o.template && o.children.is_empty() {
            // Kept as written (not data objects, or empty): see the warnings.
            writeln!(
                out,
                "{indent}{:02} {} (raw): {}",
                o.id,
                o.name,
                for_terminal(&o.value)
            )?;
        } else if o.template {
            writeln!(out, "{indent}{:02} {}", o.id, o.name)?;
            write_tree(out, &o.children, depth + 1)?;
        } else {
            writeln!(
                out,
                "{indent}{:02} {}: {}",
                o.id,
                o.name,
                for_terminal(&o.value)
            )?;
        }
    }
    Ok(())
}

fn object_json(o: &Object) -> Value {
    let mut v = json!({
        "id": format!("{:02}", o.id), "name": o.name,
        "length": o.value.chars().count(), "value": o.value,
    });
    if o.template {
        v["objects"] = o.children.iter().map(object_json).collect();
        // Contents kept as written, not read as data objects.
        v["raw"] = json!(o.children.is_empty());
    }
    v
}

fn payload_json(source: &str, p: &Payload) -> Value {
    json!({
        "source": source, "valid": true, "crc": format!("{:04X}", p.crc),
        "warnings": p.warnings,
        "objects": p.objects.iter().map(object_json).collect::<Vec<_>>(),
    })
}
