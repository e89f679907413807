//! System variables: the values a session starts with, as Aurora MySQL 3 reports them.

use rusqlite::types::Value;

/// A system variable's value when nobody set it.
pub(crate) fn default_var(name: &str) -> Option<Value> {
    let int = |n: i64| Value::Integer(n);
    let s = |v: &str| Value::Text(v.to_owned());
    Some(match name {
        "auto_increment_increment" | "auto_increment_offset" => int(1),
        "character_set_client"
        | "character_set_connection"
        | "character_set_database"
        | "character_set_results"
        | "character_set_server" => s("utf8mb4"),
        "character_set_system" => s("utf8mb3"),
        "collation_connection" | "collation_database" | "collation_server" => {
            s("utf8mb4_0900_ai_ci")
        }
        "default_storage_engine" => s("InnoDB"),
        "default_authentication_plugin" => s("mysql_native_password"),
        "cte_max_recursion_depth" => int(1000),
        "div_precision_increment" => int(4),
        "explicit_defaults_for_timestamp" => int(1),
        "init_connect" => s(""),
        "innodb_lock_wait_timeout" => int(50),
        "interactive_timeout" | "wait_timeout" => int(28800),
        "license" => s("GPL"),
        "lower_case_table_names" => int(0),
        "max_allowed_packet" => int(67_108_864),
        "max_execution_time" => int(0),
        "net_buffer_length" => int(16384),
        "net_read_timeout" => int(30),
        "net_write_timeout" => int(60),
        "performance_schema" => int(0),
        "port" => int(3306),
        "query_cache_size" => int(0),
        "query_cache_type" => s("OFF"),
        "sql_auto_is_null" => int(0),
        "foreign_key_checks" | "unique_checks" | "sql_notes" | "sql_quote_show_create" => int(1),
        "sql_mode" => s(
            "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,\
             ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
        ),
        "sql_select_limit" => s("18446744073709551615"),
        "system_time_zone" | "time_zone" => s("UTC"),
        // tx_isolation and tx_read_only were removed in MySQL 8.0.3 (1193 since).
        "transaction_isolation" => s("REPEATABLE-READ"),
        "transaction_read_only" => int(0),
        "sql_safe_updates" => int(0),
        "group_concat_max_len" => int(1024),
        "version_compile_machine" => s("x86_64"),
        "version_compile_os" => s("Linux"),
        "have_ssl" => s("DISABLED"),
        _ => return None,
    })
}

/// Every variable SHOW VARIABLES lists (besides the derived ones).
pub(crate) const LISTED_VARS: &[&str] = &[
    "auto_increment_increment",
    "auto_increment_offset",
    "character_set_client",
    "character_set_connection",
    "character_set_database",
    "character_set_results",
    "character_set_server",
    "character_set_system",
    "collation_connection",
    "collation_database",
    "collation_server",
    "default_authentication_plugin",
    "default_storage_engine",
    "div_precision_increment",
    "explicit_defaults_for_timestamp",
    "group_concat_max_len",
    "have_ssl",
    "init_connect",
    "innodb_lock_wait_timeout",
    "interactive_timeout",
    "license",
    "lower_case_table_names",
    "max_allowed_packet",
    "max_execution_time",
    "net_buffer_length",
    "net_read_timeout",
    "net_write_timeout",
    "performance_schema",
    "port",
    "query_cache_size",
    "query_cache_type",
    "sql_auto_is_null",
    "sql_mode",
    "sql_safe_updates",
    "sql_select_limit",
    "system_time_zone",
    "time_zone",
    "transaction_isolation",
    "transaction_read_only",
    "version_compile_machine",
    "version_compile_os",
];
