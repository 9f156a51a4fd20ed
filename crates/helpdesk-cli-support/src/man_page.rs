//! The man page of a command line (clap_mangen), printed by its hidden `man-page` subcommand
//! for `cargo xtask man`, which writes `target/man/<program>.1`.

use std::process::ExitCode;

/// The hidden subcommand that prints the man page.
pub const SUBCOMMAND: &str = "man-page";

/// The hidden `man-page` subcommand.
pub fn command() -> clap::Command {
    clap::Command::new(SUBCOMMAND)
        .hide(true)
        .about("Print the man page (roff), for `cargo xtask man`")
}

/// The man page of `command` (the whole command line), as roff.
pub fn render(command: clap::Command) -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    Ok(page)
}

/// Runs `man-page`: the page on stdout.
pub fn run(command: clap::Command) -> ExitCode {
    match render(command) {
        Ok(page) => {
            use std::io::Write;
            match std::io::stdout().lock().write_all(&page) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => crate::fail(crate::Exit::Failure, &format!("writing stdout: {err}")),
            }
        }
        Err(err) => crate::fail(
            crate::Exit::Failure,
            &format!("rendering the man page: {err}"),
        ),
    }
}
