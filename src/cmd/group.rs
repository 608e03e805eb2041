//! A command made of actions (`payqr trust add`, `payqr ledger check`),
//! defined once for all of them. What a group is for is the doc comment of
//! its variant in `cli::Command`; a doc comment on [`Group`] would be
//! every group's.

#[derive(clap::Args, Debug)]
pub struct Group<A: clap::Subcommand> {
    #[command(subcommand)]
    pub action: A,
}
