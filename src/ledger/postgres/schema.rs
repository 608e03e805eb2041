//! The schema: versioned migrations, run once each by `payqr ledger init`,
//! and the check every transaction makes that they all ran.

use std::sync::atomic::Ordering;

use postgres::GenericClient;

use super::{Fail, PgLedger};
use crate::ledger::LedgerError;

/// The migrations, in order; each runs once, in the transaction that
/// records it in `migrations`. `{s}` is the schema.
const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "records, chain head, uniqueness and append-only",
        r#"
CREATE TABLE {s}.chain_head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq bigint NOT NULL CHECK (seq >= 0),
    hash bytea NOT NULL CHECK (length(hash) = 16)
);
INSERT INTO {s}.chain_head (one, seq, hash) VALUES (true, 0, '\x00000000000000000000000000000000');
CREATE TABLE {s}.records (
    seq bigint PRIMARY KEY CHECK (seq >= 1),
    event text NOT NULL CHECK (event IN ('issued', 'redeemed', 'lost')),
    issuer text NOT NULL,
    code_id text NOT NULL,
    reference text,
    replaces text,
    request text,
    prev bytea NOT NULL UNIQUE CHECK (length(prev) = 16),
    hash bytea NOT NULL CHECK (length(hash) = 16),
    line text NOT NULL
);
CREATE UNIQUE INDEX records_one_issue ON {s}.records (issuer, code_id) WHERE event = 'issued';
CREATE UNIQUE INDEX records_one_redemption ON {s}.records (issuer, code_id) WHERE event = 'redeemed';
CREATE UNIQUE INDEX records_one_replacement ON {s}.records (issuer, replaces) WHERE replaces IS NOT NULL;
CREATE INDEX records_by_reference ON {s}.records (issuer, reference) WHERE event = 'issued';
CREATE INDEX records_by_request ON {s}.records (request) WHERE request IS NOT NULL;
CREATE FUNCTION {s}.records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payqr ledger records are append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON {s}.records
    FOR EACH ROW EXECUTE FUNCTION {s}.records_append_only();
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON {s}.records
    FOR EACH STATEMENT EXECUTE FUNCTION {s}.records_append_only();
"#,
    ),
    (
        2,
        "cancellations (one per code or per key's all-before rule); lookups by code id",
        r#"
ALTER TABLE {s}.records DROP CONSTRAINT records_event_check;
ALTER TABLE {s}.records ADD CONSTRAINT records_event_check
    CHECK (event IN ('issued', 'redeemed', 'lost', 'cancelled'));
CREATE UNIQUE INDEX records_one_cancellation ON {s}.records (issuer, code_id) WHERE event = 'cancelled';
CREATE INDEX records_by_code_id ON {s}.records (code_id);
CREATE INDEX records_by_replaced ON {s}.records (replaces) WHERE replaces IS NOT NULL;
"#,
    ),
];

impl PgLedger {
    /// Creates the schema, or brings it up to date: every migration not
    /// yet recorded runs once, under an advisory lock so two `init`s at
    /// once do not race. Returns the versions applied now.
    pub fn init(&self) -> Result<Vec<i32>, LedgerError> {
        self.run(|client| {
            let mut tx = client.transaction().map_err(Fail::Retry)?;
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtext($1))",
                &[&self.schema],
            )
            .map_err(Fail::Retry)?;
            tx.batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {s};
                 CREATE TABLE IF NOT EXISTS {s}.migrations (
                     version integer PRIMARY KEY,
                     name text NOT NULL,
                     applied_at timestamptz NOT NULL DEFAULT now())",
                s = self.schema
            ))
            .map_err(Fail::Retry)?;
            let have: i32 = tx
                .query_one(
                    &format!(
                        "SELECT coalesce(max(version), 0) FROM {}",
                        self.t("migrations")
                    ),
                    &[],
                )
                .map_err(Fail::Retry)?
                .get(0);
            let mut applied = Vec::new();
            for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > have) {
                tx.batch_execute(&sql.replace("{s}", &self.schema))
                    .map_err(Fail::Retry)?;
                tx.execute(
                    &format!(
                        "INSERT INTO {} (version, name) VALUES ($1, $2)",
                        self.t("migrations")
                    ),
                    &[version, name],
                )
                .map_err(Fail::Retry)?;
                applied.push(*version);
            }
            tx.commit().map_err(Fail::Retry)?;
            Ok(applied)
        })
    }

    /// Errs unless the schema is there and fully migrated. Asked once per
    /// connection: a schema does not go back a version under a client.
    pub(super) fn check_schema(&self, tx: &mut impl GenericClient) -> Result<(), Fail> {
        if self.schema_ok.load(Ordering::Relaxed) {
            return Ok(());
        }
        let want = MIGRATIONS.last().map_or(0, |m| m.0);
        let found = tx
            .query_opt(
                "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = 'migrations'",
                &[&self.schema],
            )
            .map_err(Fail::Retry)?;
        let have: i32 = match found {
            None => 0,
            Some(_) => tx
                .query_one(
                    &format!(
                        "SELECT coalesce(max(version), 0) FROM {}",
                        self.t("migrations")
                    ),
                    &[],
                )
                .map_err(Fail::Retry)?
                .get(0),
        };
        if have < want {
            return Err(Fail::Final(self.err(format!(
                "schema {} is not set up (version {have}, payqr needs {want}): run `payqr ledger \
                 init --ledger URL`",
                self.schema
            ))));
        }
        if have > want {
            return Err(Fail::Final(self.err(format!(
                "schema {} is at version {have}, newer than this payqr knows ({want}): upgrade \
                 payqr",
                self.schema
            ))));
        }
        self.schema_ok.store(true, Ordering::Relaxed);
        Ok(())
    }
}
