package io.vigil.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The parameter table Heartbeat 3.0.6 keeps and answers {@code cl_status hbparameter -p <name>} from (config.c
 * Directives[], add_option, init_config): a directive written in ha.cf is recorded as written (its last value), one
 * not written has Heartbeat's default, and the times Heartbeat derives are recorded as {@code <n>ms}.
 */
final class HeartbeatParameters {

    /** Directives whose value Heartbeat records (record_value TRUE in its table). */
    static final Set<String> RECORDED = Set.of("cluster", "hopfudge", "keepalive", "deadtime", "deadping", "initdead",
            "warntime", "watchdog", "baud", "udpport", "logfacility", "logfile", "debugfile", "auto_failback", "rtprio",
            "hbgenmethod", "realtime", "debug", "msgfmt", "use_logd", "conn_logd_time", "log_badpack", "syslogmsgfmt",
            "coredumps", "coreroot", "crm_daemon_dir", "crmd_spawns_pengine", "pacemaker", "autojoin", "uuidfrom",
            "compression", "compression_threshold", "traditional_compression", "max_rexmit_delay", "record_config_changes",
            "record_pengine_inputs", "enable_config_writes", "memreserve", "quorum_server");

    /** Heartbeat's defaults, recorded when ha.cf does not set the directive. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("cluster", "linux-ha");
        d.put("hopfudge", "1");
        d.put("keepalive", "1000ms");
        d.put("deadtime", "30000ms");
        d.put("baud", "19200");
        d.put("auto_failback", "legacy");
        d.put("hbgenmethod", "file");
        d.put("realtime", "true");
        d.put("msgfmt", "classic");
        d.put("conn_logd_time", "60");
        d.put("log_badpack", "true");
        d.put("syslogmsgfmt", "true");
        d.put("coredumps", "true");
        d.put("pacemaker", "false");
        d.put("autojoin", "none");
        d.put("uuidfrom", "file");
        d.put("compression", "zlib");
        d.put("compression_threshold", "2");
        d.put("traditional_compression", "no");
        d.put("max_rexmit_delay", "250");
        d.put("record_config_changes", "on");
        d.put("record_pengine_inputs", "on");
        d.put("enable_config_writes", "on");
        d.put("memreserve", "6500");
        return Map.copyOf(d);
    }

    private HeartbeatParameters() {
    }
}
