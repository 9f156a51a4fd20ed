//! Where each setting of a call comes from: its flag, else its environment variable, else the
//! selected profile (`--profile NAME`, else the `<API>_PROFILE` variable), else the default
//! profile. A selected profile replaces the default one: settings are never mixed from two
//! profiles. `auth status` prints the source that won for each setting.

use std::collections::BTreeMap;
use std::fmt;

use crate::profiles::{ProfileStore, Secret};
use crate::Usage;

/// One setting of an API's calls.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    /// The flag (`api-key`), also the setting's name in the profile files.
    pub flag: &'static str,
    /// The environment variable (`LIVEAGENT_API_KEY`).
    pub env: &'static str,
    /// What it is, for messages and prompts (`API key`).
    pub what: &'static str,
    /// A secret: kept in the credentials file, masked, prompted without echo.
    pub secret: bool,
}

/// The settings of one API's command line.
#[derive(Clone, Copy, Debug)]
pub struct ApiSettings {
    /// The program (`liveagent`), also the name of its config directory.
    pub program: &'static str,
    /// The variable selecting a profile (`LIVEAGENT_PROFILE`).
    pub profile_env: &'static str,
    /// Its settings, the base URL first and the one secret last.
    pub settings: &'static [Setting],
}

impl ApiSettings {
    /// The secret setting.
    pub fn secret(&self) -> &'static Setting {
        self.settings
            .iter()
            .find(|s| s.secret)
            .expect("every API has a secret setting")
    }

    /// The profile store, in the platform's config directory.
    pub fn store(&self) -> Option<ProfileStore> {
        ProfileStore::of(self.program)
    }
}

/// `--profile NAME`: a global argument.
pub fn profile_arg(env: &'static str) -> clap::Arg {
    clap::Arg::new("profile")
        .long("profile")
        .global(true)
        .display_order(1000)
        .value_name("NAME")
        .help(format!(
            "The profile of `auth login` to use [env: {env}] [default: the default profile]"
        ))
}

/// How a profile was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileChoice {
    /// `--profile`.
    Flag,
    /// The `<API>_PROFILE` variable.
    Env(&'static str),
    /// The default profile of `config.yaml`.
    Default,
}

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Its flag.
    Flag(&'static str),
    /// Its environment variable.
    Env(&'static str),
    /// A profile, and how it was chosen.
    Profile(String, ProfileChoice),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag(flag) => write!(f, "flag --{flag}"),
            Self::Env(env) => write!(f, "environment {env}"),
            Self::Profile(name, ProfileChoice::Flag) => write!(f, "profile {name} (--profile)"),
            Self::Profile(name, ProfileChoice::Env(env)) => write!(f, "profile {name} ({env})"),
            Self::Profile(name, ProfileChoice::Default) => write!(f, "default profile {name}"),
        }
    }
}

/// The settings of a call, each with its source.
#[derive(Debug, Default)]
pub struct Resolved {
    values: BTreeMap<&'static str, (Secret, Source)>,
    profile: Option<(String, ProfileChoice)>,
}

impl Resolved {
    /// The value of setting `flag`, if any source had one.
    pub fn get(&self, flag: &str) -> Option<&Secret> {
        self.values.get(flag).map(|(value, _)| value)
    }

    /// Where setting `flag` came from.
    pub fn source(&self, flag: &str) -> Option<&Source> {
        self.values.get(flag).map(|(_, source)| source)
    }

    /// The profile in use, and how it was chosen.
    pub fn profile(&self) -> Option<&(String, ProfileChoice)> {
        self.profile.as_ref()
    }

    /// The value of `setting`; missing, a [`Usage`] error naming every way to give it.
    pub fn require(&self, api: &ApiSettings, setting: &Setting) -> Result<String, Usage> {
        match self.get(setting.flag) {
            Some(value) => Ok(value.expose().to_owned()),
            None => Err(Usage(format!(
                "missing {what}: set {env}, pass --{flag} or run `{program} auth login`{profile}",
                what = setting.what,
                env = setting.env,
                flag = setting.flag,
                program = api.program,
                profile = match &self.profile {
                    Some((name, _)) => format!(" (profile {name} has none)"),
                    None => String::new(),
                }
            ))),
        }
    }

    /// The value of every setting of `api`, by flag; the first one missing is a [`Usage`]
    /// error ([`Resolved::require`]).
    pub fn require_all(&self, api: &ApiSettings) -> Result<crate::auth::Values, Usage> {
        api.settings
            .iter()
            .map(|setting| Ok((setting.flag, self.require(api, setting)?)))
            .collect()
    }
}

/// A non-empty value of the environment variable `env`.
fn env_value(env: &str) -> Option<String> {
    std::env::var(env).ok().filter(|v| !v.trim().is_empty())
}

/// Resolves every setting of `api` from `matches` (the operation's, which hold the global
/// arguments), the environment and the profiles.
pub fn resolve(api: &ApiSettings, matches: &clap::ArgMatches) -> Result<Resolved, Usage> {
    let mut resolved = Resolved::default();
    for setting in api.settings {
        let flag = matches
            .try_get_one::<String>(setting.flag)
            .ok()
            .flatten()
            .filter(|v| !v.trim().is_empty());
        if let Some(value) = flag {
            resolved.values.insert(
                setting.flag,
                (Secret::new(value.clone()), Source::Flag(setting.flag)),
            );
        } else if let Some(value) = env_value(setting.env) {
            resolved
                .values
                .insert(setting.flag, (Secret::new(value), Source::Env(setting.env)));
        }
    }
    let selected = match matches.try_get_one::<String>("profile").ok().flatten() {
        Some(name) => Some((name.clone(), ProfileChoice::Flag)),
        None => env_value(api.profile_env).map(|name| (name, ProfileChoice::Env(api.profile_env))),
    };
    let complete = api
        .settings
        .iter()
        .all(|s| resolved.values.contains_key(s.flag));
    if complete && selected.is_none() {
        return Ok(resolved);
    }
    let Some(store) = api.store() else {
        return match selected {
            Some((name, _)) => Err(Usage(format!(
                "no profile `{name}`: no home directory to keep profiles in"
            ))),
            None => Ok(resolved),
        };
    };
    let config = store.config()?;
    let chosen = match selected {
        Some((name, choice)) => {
            if !config.profiles.contains_key(&name) {
                let known: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
                return Err(Usage(format!(
                    "no profile `{name}` in {} (profiles: {}); `{} auth login --profile {name}` creates it",
                    store.config_path().display(),
                    if known.is_empty() { "none".to_owned() } else { known.join(", ") },
                    api.program
                )));
            }
            Some((name, choice))
        }
        None => config
            .default_profile
            .clone()
            .filter(|name| config.profiles.contains_key(name))
            .map(|name| (name, ProfileChoice::Default)),
    };
    let Some((name, choice)) = chosen else {
        return Ok(resolved);
    };
    let settings = &config.profiles[&name];
    for setting in api.settings {
        if resolved.values.contains_key(setting.flag) {
            continue;
        }
        let value = if setting.secret {
            store.secret(&name, settings, setting.flag)?
        } else {
            settings.values.get(setting.flag).cloned().map(Secret::new)
        };
        if let Some(value) = value.filter(|v| !v.expose().trim().is_empty()) {
            resolved.values.insert(
                setting.flag,
                (value, Source::Profile(name.clone(), choice.clone())),
            );
        }
    }
    resolved.profile = Some((name, choice));
    Ok(resolved)
}
