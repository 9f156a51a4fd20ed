//! `completion bash|zsh|fish|powershell|elvish`: the shell completion script of the command
//! line (clap_complete), printed on stdout. Sourced from the shell's startup file, it is made
//! by the installed binary at each shell start, so it never goes stale after an upgrade:
//! `source <(liveagent completion bash)` in `~/.bashrc`.

use std::process::ExitCode;

use clap_complete::Shell;

/// The `completion` subcommand of `program`.
pub fn command(program: &str) -> clap::Command {
    clap::Command::new("completion")
        .about("Print the shell completion script (bash, zsh, fish, powershell, elvish)")
        .long_about(format!(
            "Print the shell completion script. Add the line for your shell to its startup file:\n\
             \n  bash (~/.bashrc):        source <({program} completion bash)\
             \n  zsh (~/.zshrc):          source <({program} completion zsh)\
             \n  fish (config.fish):      {program} completion fish | source\
             \n  powershell ($PROFILE):   {program} completion powershell | Out-String | Invoke-Expression\
             \n  elvish (rc.elv):         eval ({program} completion elvish | slurp)"
        ))
        .arg(
            clap::Arg::new("shell")
                .value_name("SHELL")
                .required(true)
                .value_parser(clap::value_parser!(Shell))
                .help("bash, zsh, fish, powershell or elvish"),
        )
}

/// Writes the script for `shell` of `command` (the whole command line) to `out`.
pub fn write(shell: Shell, command: &mut clap::Command, out: &mut dyn std::io::Write) {
    let name = command.get_name().to_owned();
    clap_complete::generate(shell, command, name, out);
}

/// Runs `completion SHELL`.
pub fn run(mut command: clap::Command, matches: &clap::ArgMatches) -> ExitCode {
    let shell = *matches
        .get_one::<Shell>("shell")
        .expect("clap requires the shell");
    write(shell, &mut command, &mut std::io::stdout().lock());
    ExitCode::SUCCESS
}
