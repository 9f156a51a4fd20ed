//! The profiles of `auth login`: named sets of settings in two files under the platform's
//! config directory (`~/.config/liveagent/` on Linux, `~/Library/Application Support/liveagent/`
//! on macOS, `%APPDATA%\liveagent\config\` on Windows):
//!
//! - `config.yaml`: the default profile and each profile's settings but the secret
//!   (`base-url`, and Contiple's `service-id` and `organization-id`);
//! - `credentials.yaml`: each profile's secret (`api-key`, `security-key`), written with mode
//!   0600 in a directory of mode 0700. A credentials file that group or others may read is
//!   refused, as ssh refuses such a private key, until `chmod 600` is run on it.
//!
//! With the `keyring` feature, `auth login --keyring` keeps the secret in the OS keyring
//! instead; `config.yaml` then says so for that profile.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Usage;

/// A secret read from a file, the keyring, the environment or a flag: never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret itself, for the client.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `****` and the last four characters of a long secret; `****` for a short one.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() >= 16 {
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("****{tail}")
        } else {
            "****".to_owned()
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

/// One profile of `config.yaml`: its settings but the secret.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ProfileSettings {
    /// The settings by flag name (`base-url`, `service-id`, …).
    #[serde(flatten)]
    pub values: BTreeMap<String, String>,
    /// The secret is in the OS keyring, not in `credentials.yaml`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keyring: bool,
}

/// `config.yaml`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ConfigFile {
    /// The profile used when none is selected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    /// The profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileSettings>,
}

/// `credentials.yaml`: each profile's secret, by profile then flag name.
type CredentialsFile = BTreeMap<String, BTreeMap<String, String>>;

/// The profile files of one command line.
#[derive(Clone, Debug)]
pub struct ProfileStore {
    dir: PathBuf,
    program: &'static str,
}

/// The name of the settings file.
pub const CONFIG_FILE: &str = "config.yaml";
/// The name of the credentials file.
pub const CREDENTIALS_FILE: &str = "credentials.yaml";

impl ProfileStore {
    /// The store of `program` (`liveagent`) in the platform's config directory; `None` when
    /// there is no home directory.
    pub fn of(program: &'static str) -> Option<Self> {
        let dirs = directories::ProjectDirs::from("", "", program)?;
        Some(Self::at(dirs.config_dir().to_owned(), program))
    }

    /// A store in `dir`.
    pub fn at(dir: PathBuf, program: &'static str) -> Self {
        Self { dir, program }
    }

    /// The directory holding the files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The settings file's path.
    pub fn config_path(&self) -> PathBuf {
        self.dir.join(CONFIG_FILE)
    }

    /// The credentials file's path.
    pub fn credentials_path(&self) -> PathBuf {
        self.dir.join(CREDENTIALS_FILE)
    }

    /// `config.yaml`, empty if there is none.
    pub fn config(&self) -> Result<ConfigFile, Usage> {
        let path = self.config_path();
        match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().is_empty() => Ok(ConfigFile::default()),
            Ok(text) => serde_yaml::from_str(&text)
                .map_err(|err| Usage(format!("reading {}: {err}", path.display()))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
            Err(err) => Err(Usage(format!("reading {}: {err}", path.display()))),
        }
    }

    /// `credentials.yaml`, empty if there is none; refused if group or others may read it.
    fn credentials(&self) -> Result<CredentialsFile, Usage> {
        let path = self.credentials_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(err) => return Err(Usage(format!("reading {}: {err}", path.display()))),
        };
        check_private(&path)?;
        if text.trim().is_empty() {
            return Ok(BTreeMap::new());
        }
        // serde_yaml's messages may quote a value of the file: only the position is shown.
        serde_yaml::from_str(&text).map_err(|err| {
            let at = err
                .location()
                .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
                .unwrap_or_default();
            Usage(format!(
                "reading {}: not a map of profiles to keys{at}",
                path.display()
            ))
        })
    }

    /// The secret `flag` of `profile`: from the keyring if the profile says so, else from
    /// `credentials.yaml`.
    pub fn secret(
        &self,
        profile: &str,
        settings: &ProfileSettings,
        flag: &str,
    ) -> Result<Option<Secret>, Usage> {
        if settings.keyring {
            return keyring_get(self.program, profile, flag).map(Some);
        }
        Ok(self
            .credentials()?
            .get(profile)
            .and_then(|secrets| secrets.get(flag))
            .map(|value| Secret::new(value.clone())))
    }

    /// Saves `profile`: its settings in `config.yaml` (the default profile too if there is
    /// none, or if `make_default`), its secret in `credentials.yaml` (0600) or the keyring.
    pub fn save(
        &self,
        profile: &str,
        settings: BTreeMap<String, String>,
        secret: (&str, &Secret),
        use_keyring: bool,
        make_default: bool,
    ) -> Result<(), Usage> {
        let mut config = self.config()?;
        let mut credentials = self.credentials()?;
        if use_keyring {
            keyring_set(self.program, profile, secret.0, secret.1)?;
            credentials.remove(profile);
        } else {
            credentials
                .entry(profile.to_owned())
                .or_default()
                .insert(secret.0.to_owned(), secret.1.expose().to_owned());
        }
        config.profiles.insert(
            profile.to_owned(),
            ProfileSettings {
                values: settings,
                keyring: use_keyring,
            },
        );
        if make_default || config.default_profile.is_none() {
            config.default_profile = Some(profile.to_owned());
        }
        self.write(&config, &credentials)
    }

    /// Removes `profile` from both files (and the keyring); `false` if there was none.
    pub fn remove(&self, profile: &str, secret_flag: &str) -> Result<bool, Usage> {
        let mut config = self.config()?;
        let mut credentials = self.credentials()?;
        let Some(settings) = config.profiles.remove(profile) else {
            return Ok(false);
        };
        credentials.remove(profile);
        if settings.keyring {
            keyring_delete(self.program, profile, secret_flag)?;
        }
        if config.default_profile.as_deref() == Some(profile) {
            config.default_profile = config.profiles.keys().next().cloned();
        }
        self.write(&config, &credentials)?;
        Ok(true)
    }

    /// Writes both files: the directory 0700, the credentials 0600 from their creation on
    /// (a temporary file renamed over the old one).
    fn write(&self, config: &ConfigFile, credentials: &CredentialsFile) -> Result<(), Usage> {
        let fail = |path: &Path, err: &dyn fmt::Display| {
            Usage(format!("writing {}: {err}", path.display()))
        };
        create_private_dir(&self.dir).map_err(|err| fail(&self.dir, &err))?;
        let config_text =
            serde_yaml::to_string(config).map_err(|err| fail(&self.config_path(), &err))?;
        write_file(&self.config_path(), config_text.as_bytes(), false)
            .map_err(|err| fail(&self.config_path(), &err))?;
        let credentials_text = serde_yaml::to_string(credentials)
            .map_err(|_| fail(&self.credentials_path(), &"cannot serialise"))?;
        write_file(&self.credentials_path(), credentials_text.as_bytes(), true)
            .map_err(|err| fail(&self.credentials_path(), &err))
    }
}

/// Creates `dir` (mode 0700 on Unix) if missing.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `path` through a temporary file beside it, renamed over it; `private`: mode 0600
/// from its creation (Unix).
fn write_file(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    let temporary = path.with_extension("yaml.tmp");
    let _ = std::fs::remove_file(&temporary);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, path)
}

/// Refuses a credentials file that group or others may read or write (Unix).
fn check_private(path: &Path) -> Result<(), Usage> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|err| Usage(format!("reading {}: {err}", path.display())))?
            .permissions()
            .mode()
            & 0o777;
        if mode & 0o077 != 0 {
            return Err(Usage(format!(
                "{} is accessible by group or others (mode {mode:04o}): refusing to read keys \
                 from it; run `chmod 600 {}`",
                path.display(),
                path.display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(feature = "keyring")]
fn keyring_entry(program: &str, profile: &str, flag: &str) -> Result<keyring::Entry, Usage> {
    keyring::Entry::new(program, &format!("{profile}/{flag}"))
        .map_err(|err| Usage(format!("the OS keyring: {err}")))
}

#[cfg(feature = "keyring")]
fn keyring_get(program: &str, profile: &str, flag: &str) -> Result<Secret, Usage> {
    keyring_entry(program, profile, flag)?
        .get_password()
        .map(Secret::new)
        .map_err(|err| {
            Usage(format!(
                "profile {profile}: reading its {flag} from the OS keyring: {err}"
            ))
        })
}

#[cfg(feature = "keyring")]
fn keyring_set(program: &str, profile: &str, flag: &str, secret: &Secret) -> Result<(), Usage> {
    keyring_entry(program, profile, flag)?
        .set_password(secret.expose())
        .map_err(|err| {
            Usage(format!(
                "profile {profile}: saving its {flag} in the OS keyring: {err}"
            ))
        })
}

#[cfg(feature = "keyring")]
fn keyring_delete(program: &str, profile: &str, flag: &str) -> Result<(), Usage> {
    match keyring_entry(program, profile, flag)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(err) => Err(Usage(format!(
            "profile {profile}: removing its {flag} from the OS keyring: {err}"
        ))),
    }
}

#[cfg(not(feature = "keyring"))]
fn keyring_get(_program: &str, profile: &str, _flag: &str) -> Result<Secret, Usage> {
    Err(Usage(format!(
        "profile {profile} keeps its key in the OS keyring, and this build has no keyring \
         support (the `keyring` feature)"
    )))
}

#[cfg(not(feature = "keyring"))]
fn keyring_set(_program: &str, _profile: &str, _flag: &str, _secret: &Secret) -> Result<(), Usage> {
    Err(Usage(
        "--keyring: this build has no keyring support (the `keyring` feature)".to_owned(),
    ))
}

#[cfg(not(feature = "keyring"))]
fn keyring_delete(_program: &str, _profile: &str, _flag: &str) -> Result<(), Usage> {
    Ok(())
}
