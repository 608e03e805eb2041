//! Issued payloads read back from PostgreSQL, for `payqr notice`: the rows
//! hold the very JSON lines a file ledger would, payload text included.

use super::super::line;
use super::super::payload::{IssuedPayload, Lookup};
use super::super::record::LedgerFormat;
use super::super::state::CodeKey;
use super::{Fail, PgLedger, commit};
use crate::code::CodeId;
use crate::ledger::LedgerError;

impl PgLedger {
    /// [`crate::ledger::Ledger::issued_payloads_by`] on PostgreSQL: the
    /// issued rows of a code id or a reference (of `issuer`, when given),
    /// each line checked (checksum, fields) before it is believed, with
    /// what the rows of those codes say against paying them, read in one
    /// snapshot. A reference finds the codes no reissue replaced.
    pub fn issued_payloads_by(
        &self,
        lookup: Lookup<'_>,
        issuer: Option<&str>,
    ) -> Result<Vec<IssuedPayload>, LedgerError> {
        let (column, value) = match lookup {
            Lookup::CodeId(id) => ("code_id", id.trim().to_ascii_lowercase()),
            Lookup::Reference(r) => ("reference", r.to_string()),
        };
        let (rows, state) = self.run(|client| {
            client
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(Fail::Retry)?;
            self.check_schema(client)?;
            let head = self.read_head(client)?;
            let rows = client
                .query(
                    &format!(
                        "SELECT seq, line FROM {r} WHERE event = 'issued' AND {column} = $1
                            AND ($2::text IS NULL OR issuer = $2) ORDER BY seq",
                        r = self.t("records")
                    ),
                    &[&value, &issuer],
                )
                .map_err(Fail::Retry)?;
            let mut found = Vec::with_capacity(rows.len());
            for row in rows {
                let seq: i64 = row.get(0);
                let text: String = row.get(1);
                let seq = seq as u64;
                self.checked_line(seq, &text)?;
                let r = line::decode(LedgerFormat::Jsonl, text.as_bytes(), None)
                    .map_err(|e| Fail::Final(self.line_err(seq, e)))?;
                let id: CodeId = r
                    .code_id
                    .parse()
                    .map_err(|e| Fail::Final(self.line_err(seq, format!("code_id: {e}"))))?;
                found.push((CodeKey::of(&r.issuer, id), text, r));
            }
            let keys: Vec<CodeKey> = found.iter().map(|(k, _, _)| *k).collect();
            let state = self.load_keys(client, &keys, head)?;
            commit(client)?;
            Ok((found, state))
        })?;
        let by_reference = matches!(lookup, Lookup::Reference(_));
        Ok(rows
            .into_iter()
            .filter(|(key, _, _)| !by_reference || state.replaced_by(key).is_none())
            .map(|(_, text, r)| IssuedPayload::of(LedgerFormat::Jsonl, text.as_bytes(), r, &state))
            .collect())
    }
}
