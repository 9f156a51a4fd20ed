//! `auth login|status|logout`: the profiles of [`crate::profiles`] on the command line.
//!
//! - `auth login [--profile NAME]` asks for each setting (the secret without echo) and saves
//!   the profile (`default` without `--profile`); `--with-token` reads the secret from stdin
//!   instead, as gh does, the other settings coming from their flags or variables. The first
//!   profile saved becomes the default one, as does any saved with `--default`.
//! - `auth status` lists the profiles, secrets masked, checks each with one cheap call, and
//!   says where each setting of a call would come from now.
//! - `auth logout [--profile NAME]` removes a profile (the default one without `--profile`).

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::process::ExitCode;

use futures::future::BoxFuture;

use crate::profiles::{ProfileStore, Secret};
use crate::settings::{self, ApiSettings, ProfileChoice};
use crate::{fail, Exit, Usage};

/// The settings of a call (flag name → value), for the API's client.
pub type Values = BTreeMap<&'static str, String>;

/// The cheap call `auth status` makes with a profile's settings: `Ok` or the exit code and
/// message of the failure (secrets masked by the client).
pub type Check<'a> = &'a (dyn Fn(Values) -> BoxFuture<'static, Result<(), (Exit, String)>> + Sync);

/// The `auth` subcommand.
pub fn command(api: &ApiSettings) -> clap::Command {
    let secret = api.secret();
    clap::Command::new("auth")
        .about("Log in, list or log out profiles (saved settings and keys)")
        .long_about(format!(
            "Profiles: named settings and keys, saved under the platform's config directory \
             (~/.config/{program}/ on Linux): config.yaml, and credentials.yaml (mode 0600; \
             refused if group or others may read it). A call takes each setting from its flag, \
             else its variable, else the profile named by --profile or {profile_env}, else the \
             default profile.",
            program = api.program,
            profile_env = api.profile_env
        ))
        .subcommand_required(true)
        .subcommand(
            clap::Command::new("login")
                .about(format!("Save a profile: asks for each setting, the {} without echo", secret.what))
                .arg(
                    clap::Arg::new("with-token")
                        .long("with-token")
                        .action(clap::ArgAction::SetTrue)
                        .help(format!(
                            "Read the {} from stdin; the other settings from their flags or variables",
                            secret.what
                        )),
                )
                .arg(
                    clap::Arg::new("default")
                        .long("default")
                        .action(clap::ArgAction::SetTrue)
                        .help("Make it the default profile (the first profile saved is)"),
                )
                .arg(
                    clap::Arg::new("keyring")
                        .long("keyring")
                        .action(clap::ArgAction::SetTrue)
                        .help(format!(
                            "Keep the {} in the OS keyring, not in credentials.yaml (builds with the `keyring` feature)",
                            secret.what
                        )),
                ),
        )
        .subcommand(
            clap::Command::new("status")
                .about("List the profiles (keys masked), check each with one call, and say where each setting comes from"),
        )
        .subcommand(
            clap::Command::new("logout").about("Remove a profile (--profile, else the default one)"),
        )
}

/// Runs `auth …`.
pub async fn run(api: &ApiSettings, matches: &clap::ArgMatches, check: Check<'_>) -> ExitCode {
    let Some(store) = api.store() else {
        return fail(Exit::Usage, "no home directory to keep profiles in");
    };
    let result = match matches.subcommand() {
        Some(("login", sub)) => login(api, &store, sub),
        Some(("status", sub)) => return status(api, &store, sub, check).await,
        Some(("logout", sub)) => logout(api, &store, sub),
        _ => Err(Usage(format!("see `{} auth --help`", api.program))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(usage) => fail(Exit::Usage, &usage.0),
    }
}

/// The profile `login` and `logout` act on: `--profile`, else the variable, else `fallback`.
fn target_profile(api: &ApiSettings, matches: &clap::ArgMatches) -> Option<String> {
    matches
        .try_get_one::<String>("profile")
        .ok()
        .flatten()
        .cloned()
        .or_else(|| {
            std::env::var(api.profile_env)
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
}

/// A profile name: letters, digits, `-`, `_` and `.`.
fn check_name(name: &str) -> Result<(), Usage> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Usage(format!(
            "profile name `{name}`: use letters, digits, `-`, `_` and `.`"
        )))
    }
}

/// A line typed on stdin after `prompt` (on stderr).
fn prompt_line(prompt: &str) -> Result<String, Usage> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|err| Usage(format!("reading stdin: {err}")))?;
    Ok(line.trim().to_owned())
}

fn login(api: &ApiSettings, store: &ProfileStore, matches: &clap::ArgMatches) -> Result<(), Usage> {
    let profile = target_profile(api, matches).unwrap_or_else(|| "default".to_owned());
    check_name(&profile)?;
    let with_token = matches.get_flag("with-token");
    if !with_token && !std::io::stdin().is_terminal() {
        return Err(Usage(
            "auth login asks on a terminal; pipe the key with --with-token (and pass the other settings as flags)".to_owned(),
        ));
    }
    let mut values = BTreeMap::new();
    let mut secret = None;
    for setting in api.settings {
        let given = matches
            .try_get_one::<String>(setting.flag)
            .ok()
            .flatten()
            .cloned()
            .or_else(|| std::env::var(setting.env).ok())
            .filter(|v| !v.trim().is_empty());
        let value = if setting.secret {
            if with_token {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text).map_err(|err| {
                    Usage(format!("reading the {} from stdin: {err}", setting.what))
                })?;
                text.trim().to_owned()
            } else {
                rpassword::prompt_password(format!("{} (not echoed): ", setting.what))
                    .map_err(|err| Usage(format!("reading the {}: {err}", setting.what)))?
                    .trim()
                    .to_owned()
            }
        } else {
            match given {
                Some(value) => value.trim().to_owned(),
                None if with_token => {
                    return Err(Usage(format!(
                        "missing {}: with --with-token, pass --{} or set {}",
                        setting.what, setting.flag, setting.env
                    )))
                }
                None => prompt_line(&format!("{}: ", setting.what))?,
            }
        };
        if value.is_empty() {
            return Err(Usage(format!("{} is empty", setting.what)));
        }
        if setting.flag == "base-url" {
            crate::check_base_url(&value, &format!("--{}", setting.flag))?;
        }
        if setting.secret {
            secret = Some((setting.flag, Secret::new(value)));
        } else {
            values.insert(setting.flag.to_owned(), value);
        }
    }
    let (flag, secret) = secret.expect("every API has a secret setting");
    store.save(
        &profile,
        values,
        (flag, &secret),
        matches.get_flag("keyring"),
        matches.get_flag("default"),
    )?;
    eprintln!(
        "saved profile {profile} in {} ({} in {})",
        store.config_path().display(),
        api.secret().what,
        if matches.get_flag("keyring") {
            "the OS keyring".to_owned()
        } else {
            store.credentials_path().display().to_string()
        }
    );
    Ok(())
}

fn logout(
    api: &ApiSettings,
    store: &ProfileStore,
    matches: &clap::ArgMatches,
) -> Result<(), Usage> {
    let profile = match target_profile(api, matches) {
        Some(name) => name,
        None => store
            .config()?
            .default_profile
            .ok_or_else(|| Usage("no profile to remove: no default profile".to_owned()))?,
    };
    if store.remove(&profile, api.secret().flag)? {
        eprintln!("removed profile {profile}");
        Ok(())
    } else {
        Err(Usage(format!("no profile `{profile}`")))
    }
}

async fn status(
    api: &ApiSettings,
    store: &ProfileStore,
    matches: &clap::ArgMatches,
    check: Check<'_>,
) -> ExitCode {
    let config = match store.config() {
        Ok(config) => config,
        Err(usage) => return fail(Exit::Usage, &usage.0),
    };
    let mut out = String::new();
    let mut exit = Exit::Ok;
    let secret = api.secret();
    if config.profiles.is_empty() {
        out.push_str(&format!(
            "No profiles in {} (`{} auth login` saves one).\n",
            store.dir().display(),
            api.program
        ));
    } else {
        out.push_str(&format!(
            "Profiles in {} ({}, {}):\n",
            store.dir().display(),
            crate::profiles::CONFIG_FILE,
            crate::profiles::CREDENTIALS_FILE
        ));
    }
    for (name, settings) in &config.profiles {
        let default = config.default_profile.as_deref() == Some(name.as_str());
        out.push_str(&format!(
            "{name}{}\n",
            if default { " (default)" } else { "" }
        ));
        let mut values = Values::new();
        for setting in api.settings.iter().filter(|s| !s.secret) {
            let value = settings
                .values
                .get(setting.flag)
                .cloned()
                .unwrap_or_default();
            out.push_str(&format!("  {:<16} {value}\n", setting.flag));
            values.insert(setting.flag, value);
        }
        let key = match store.secret(name, settings, secret.flag) {
            Ok(Some(key)) => key,
            Ok(None) => {
                out.push_str(&format!("  {:<16} (none)\n", secret.flag));
                continue;
            }
            Err(usage) => {
                print!("{out}");
                return fail(Exit::Usage, &usage.0);
            }
        };
        let place = if settings.keyring {
            "OS keyring"
        } else {
            crate::profiles::CREDENTIALS_FILE
        };
        out.push_str(&format!(
            "  {:<16} {} ({place})\n",
            secret.flag,
            key.masked()
        ));
        values.insert(secret.flag, key.expose().to_owned());
        let verdict = match check(values).await {
            Ok(()) => "ok".to_owned(),
            Err((code, message)) => {
                if exit == Exit::Ok {
                    exit = code;
                }
                let message = helpdesk_client_runtime::__private::mask_query_keys(&message);
                format!(
                    "failed: {}",
                    message.split_whitespace().collect::<Vec<_>>().join(" ")
                )
            }
        };
        out.push_str(&format!("  {:<16} {verdict}\n", "check"));
    }
    match settings::resolve(api, matches) {
        Ok(resolved) => {
            out.push_str("A call now takes:\n");
            for setting in api.settings {
                let line = match (resolved.get(setting.flag), resolved.source(setting.flag)) {
                    (Some(value), Some(source)) => {
                        let shown = if setting.secret {
                            value.masked()
                        } else {
                            value.expose().to_owned()
                        };
                        format!("{shown}  from {source}")
                    }
                    _ => "(missing)".to_owned(),
                };
                out.push_str(&format!("  {:<16} {line}\n", setting.flag));
            }
            if let Some((name, choice)) = resolved.profile() {
                let how = match choice {
                    ProfileChoice::Flag => "selected by --profile".to_owned(),
                    ProfileChoice::Env(env) => format!("selected by {env}"),
                    ProfileChoice::Default => "the default".to_owned(),
                };
                out.push_str(&format!("  (profile {name}: {how})\n"));
            }
        }
        Err(usage) => {
            print!("{out}");
            return fail(Exit::Usage, &usage.0);
        }
    }
    print!("{out}");
    exit.into()
}
