//! What Rewind offers: engines, engine versions, parameter group families and their parameters.
//!
//! Data, not logic: DescribeDBEngineVersions lists it, and validation checks requests against it.

/// One engine version Rewind accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineVersion {
    /// `aurora-mysql` or `aurora-postgresql`.
    pub engine: &'static str,
    /// As AWS spells it, e.g. `8.0.mysql_aurora.3.05.2`.
    pub version: &'static str,
    /// The parameter group family, e.g. `aurora-mysql8.0`.
    pub family: &'static str,
    /// The version CreateDBCluster picks when none is given.
    pub is_default: bool,
}

const fn v(engine: &'static str, version: &'static str, family: &'static str) -> EngineVersion {
    EngineVersion {
        engine,
        version,
        family,
        is_default: false,
    }
}

const fn default_v(
    engine: &'static str,
    version: &'static str,
    family: &'static str,
) -> EngineVersion {
    EngineVersion {
        engine,
        version,
        family,
        is_default: true,
    }
}

/// Every version Rewind accepts, oldest first per engine.
pub const ENGINE_VERSIONS: &[EngineVersion] = &[
    v("aurora-mysql", "5.7.mysql_aurora.2.11.2", "aurora-mysql5.7"),
    v("aurora-mysql", "5.7.mysql_aurora.2.11.5", "aurora-mysql5.7"),
    v("aurora-mysql", "5.7.mysql_aurora.2.12.0", "aurora-mysql5.7"),
    v("aurora-mysql", "5.7.mysql_aurora.2.12.3", "aurora-mysql5.7"),
    v("aurora-mysql", "8.0.mysql_aurora.3.04.0", "aurora-mysql8.0"),
    v("aurora-mysql", "8.0.mysql_aurora.3.04.3", "aurora-mysql8.0"),
    v("aurora-mysql", "8.0.mysql_aurora.3.05.2", "aurora-mysql8.0"),
    v("aurora-mysql", "8.0.mysql_aurora.3.06.1", "aurora-mysql8.0"),
    v("aurora-mysql", "8.0.mysql_aurora.3.07.1", "aurora-mysql8.0"),
    default_v("aurora-mysql", "8.0.mysql_aurora.3.08.2", "aurora-mysql8.0"),
    v("aurora-postgresql", "15.10", "aurora-postgresql15"),
    default_v("aurora-postgresql", "16.6", "aurora-postgresql16"),
];

/// The engines Rewind emulates.
pub const ENGINES: &[&str] = &["aurora-mysql", "aurora-postgresql"];

/// The families that have default cluster parameter groups (`default.<family>`).
pub const FAMILIES: &[&str] = &[
    "aurora-mysql5.7",
    "aurora-mysql8.0",
    "aurora-postgresql15",
    "aurora-postgresql16",
];

/// Looks up an exact version of an engine.
pub fn engine_version(engine: &str, version: &str) -> Option<&'static EngineVersion> {
    ENGINE_VERSIONS
        .iter()
        .find(|v| v.engine == engine && v.version == version)
}

/// The version used when CreateDBCluster names none.
pub fn default_version(engine: &str) -> Option<&'static EngineVersion> {
    ENGINE_VERSIONS
        .iter()
        .find(|v| v.engine == engine && v.is_default)
}

/// The engine a family belongs to (`aurora-mysql8.0` -> `aurora-mysql`).
pub fn family_engine(family: &str) -> Option<&'static str> {
    ENGINES
        .iter()
        .copied()
        .find(|e| family.starts_with(e) && FAMILIES.contains(&family))
}

/// The port an engine listens on unless the request says otherwise.
pub fn default_port(engine: &str) -> u16 {
    if engine == "aurora-postgresql" {
        5432
    } else {
        3306
    }
}

/// One cluster-level parameter of a family, with its engine default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterSpec {
    /// Parameter name, e.g. `binlog_format`.
    pub name: &'static str,
    /// Engine default value; `None` when the engine leaves it unset.
    pub default: Option<&'static str>,
    /// One-line description shown by DescribeDBClusterParameters.
    pub description: &'static str,
    /// `string`, `integer` or `boolean`, as AWS reports `DataType`.
    pub data_type: &'static str,
    /// Allowed values as AWS prints them (`ROW,STATEMENT,MIXED,OFF`, `1-65535`).
    pub allowed: &'static str,
    /// `static` (needs a reboot) or `dynamic`.
    pub apply_type: &'static str,
    /// Whether ModifyDBClusterParameterGroup may change it.
    pub modifiable: bool,
}

const MYSQL_PARAMETERS: &[ParameterSpec] = &[
    ParameterSpec {
        name: "aurora_disable_hash_join",
        default: Some("0"),
        description: "Disables hash join optimization.",
        data_type: "boolean",
        allowed: "0,1",
        apply_type: "dynamic",
        modifiable: true,
    },
    ParameterSpec {
        name: "binlog_format",
        default: Some("OFF"),
        description: "Binary logging format for replication.",
        data_type: "string",
        allowed: "ROW,STATEMENT,MIXED,OFF",
        apply_type: "static",
        modifiable: true,
    },
    ParameterSpec {
        name: "character_set_server",
        default: None,
        description: "The server's default character set.",
        data_type: "string",
        allowed: "big5,dec8,cp850,hp8,koi8r,latin1,latin2,swe7,ascii,ujis,sjis,hebrew,tis620,euckr,koi8u,gb2312,greek,cp1250,gbk,latin5,armscii8,utf8,ucs2,cp866,keybcs2,macce,macroman,cp852,latin7,utf8mb4,cp1251,utf16,cp1256,cp1257,utf32,binary,geostd8,cp932,eucjpms",
        apply_type: "dynamic",
        modifiable: true,
    },
    ParameterSpec {
        name: "collation_server",
        default: None,
        description: "The server's default collation.",
        data_type: "string",
        allowed: "",
        apply_type: "dynamic",
        modifiable: true,
    },
    ParameterSpec {
        name: "innodb_file_per_table",
        default: Some("1"),
        description: "Use tablespaces or files for Innodb.",
        data_type: "boolean",
        allowed: "0,1",
        apply_type: "dynamic",
        modifiable: false,
    },
    ParameterSpec {
        name: "server_audit_logging",
        default: Some("0"),
        description: "Enables or disables audit logging.",
        data_type: "boolean",
        allowed: "0,1",
        apply_type: "dynamic",
        modifiable: true,
    },
    ParameterSpec {
        name: "time_zone",
        default: None,
        description: "Sets the time zone of the DB instances.",
        data_type: "string",
        allowed: "",
        apply_type: "dynamic",
        modifiable: true,
    },
];

const POSTGRES_PARAMETERS: &[ParameterSpec] = &[
    ParameterSpec {
        name: "rds.force_ssl",
        default: Some("0"),
        description: "Force SSL connections.",
        data_type: "boolean",
        allowed: "0,1",
        apply_type: "dynamic",
        modifiable: true,
    },
    ParameterSpec {
        name: "timezone",
        default: Some("UTC"),
        description: "Sets the time zone for displaying and interpreting time stamps.",
        data_type: "string",
        allowed: "",
        apply_type: "dynamic",
        modifiable: true,
    },
];

/// The cluster parameters of a family, sorted by name.
pub fn parameters(family: &str) -> &'static [ParameterSpec] {
    if family.starts_with("aurora-postgresql") {
        POSTGRES_PARAMETERS
    } else {
        MYSQL_PARAMETERS
    }
}

/// Whether `value` is allowed for `spec` (free-form when the list is empty or a range).
pub fn value_allowed(spec: &ParameterSpec, value: &str) -> bool {
    if spec.allowed.is_empty() || spec.allowed.contains('-') {
        return true;
    }
    spec.allowed
        .split(',')
        .any(|a| a.eq_ignore_ascii_case(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_engine_has_one_default_version_and_families_exist() {
        for engine in ENGINES {
            assert_eq!(
                ENGINE_VERSIONS
                    .iter()
                    .filter(|v| v.engine == *engine && v.is_default)
                    .count(),
                1
            );
        }
        for v in ENGINE_VERSIONS {
            assert!(FAMILIES.contains(&v.family), "{}", v.family);
            assert_eq!(family_engine(v.family), Some(v.engine));
        }
        assert_eq!(family_engine("aurora-mysql9.9"), None);
    }

    #[test]
    fn binlog_format_is_off_by_default_and_checked() {
        let spec = parameters("aurora-mysql8.0")
            .iter()
            .find(|p| p.name == "binlog_format")
            .unwrap();
        assert_eq!(spec.default, Some("OFF"));
        assert!(value_allowed(spec, "row"));
        assert!(!value_allowed(spec, "SOMETIMES"));
    }
}
