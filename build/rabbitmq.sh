#!/usr/bin/env bash
# Ensure a local RabbitMQ broker (loopback only, management API on 15672) is installed and running.
# Usage: build/rabbitmq.sh [start|stop|scratch-vhost OWNER_PID|drop-vhost OWNER_PID]
#   start (default): install and configure if needed, start if not running, wait until it accepts connections.
#   stop:            shut the broker down and wait until its process has exited.
#   scratch-vhost:   create the virtual host dispatcher-test-OWNER_PID (guest has full rights on it), delete those
#                    whose owner process is gone, and print its AMQP URL. Test and load runs work in one, so whatever
#                    they declare (service queues, one dispatch.<flowId> queue per flow) is deleted with it and never
#                    piles up in "/": about 1,000 leftover durable queues once made the broker's boot hang.
#   drop-vhost:      delete the virtual host dispatcher-test-OWNER_PID and everything in it.
# Safe to run repeatedly, and whether the broker is running, booting or stopped.
set -euo pipefail

# The rabbitmq tools live in /usr/sbin, which a non-root PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

START_TIMEOUT=90
# Open files the broker may use: it keeps a file handle per queue while recovering them at boot. Debian's default of
# 1024 (reapplied by `su`, which the tools use to become the rabbitmq user) made a boot with ~1,000 durable queues wait
# for handles forever.
OPEN_FILES=65536
STOP_TIMEOUT=60
ENV_CONF=/etc/rabbitmq/rabbitmq-env.conf
CONF=/etc/rabbitmq/rabbitmq.conf
PLUGINS=/etc/rabbitmq/enabled_plugins

log() { echo "[rabbitmq] $*"; }
die() { echo "[rabbitmq] ERROR: $*" >&2; exit 1; }

# apt, /etc and the broker tools need root (the tools switch to the rabbitmq user themselves).
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available; run as root"
  SUDO=(sudo)
fi
as_root() { "${SUDO[@]}" "$@"; }

installed() { dpkg-query -W -f='${Status}' rabbitmq-server 2>/dev/null | grep -q 'ok installed'; }

# Ready = the rabbit app is running AND every listener (5672, 15672, ...) accepts TCP connections.
# (`ping` alone is not enough: it answers ~2 s before the AMQP port is open.)
ready() {
  as_root rabbitmq-diagnostics -q check_running >/dev/null 2>&1 &&
    as_root rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1
}

# Is a broker Erlang VM alive (booting, running or shutting down)? Scans /proc so procps is not needed;
# the server VM is the one started with "-s rabbit boot" (CLI tool VMs are not).
server_process() {
  local f cmd
  for f in /proc/[0-9]*/cmdline; do
    cmd=$( { tr '\0' ' ' <"$f"; } 2>/dev/null) || continue
    # Executable (first word) must be beam, so e.g. a `grep "-s rabbit boot"` does not count.
    [[ ${cmd%% *} == *beam* && $cmd == *" -s rabbit boot "* ]] && return 0
  done
  return 1
}

install_if_missing() {
  installed && return
  log "installing rabbitmq-server from apt"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server
}

# Append "line" to "file" unless a line starting with "key" is already there. Returns 0 if it wrote.
add_setting() {
  local file=$1 key=$2 line=$3
  if as_root test -f "$file" && as_root grep -q "^[[:space:]]*${key}" "$file"; then
    return 1
  fi
  echo "$line" | as_root tee -a "$file" >/dev/null
  log "set '$line' in $file"
}

# Returns 0 if any setting changed (a running broker must then be restarted to pick it up).
configure() {
  local changed=1
  as_root mkdir -p /etc/rabbitmq
  # Node name on "localhost": the CLI tools then find epmd and the node on 127.0.0.1 even where the
  # hostname resolves to a non-loopback address (e.g. in containers).
  add_setting "$ENV_CONF" NODENAME= NODENAME=rabbit@localhost && changed=0
  add_setting "$ENV_CONF" NODE_IP_ADDRESS= NODE_IP_ADDRESS=127.0.0.1 && changed=0
  add_setting "$ENV_CONF" ERL_EPMD_ADDRESS= ERL_EPMD_ADDRESS=127.0.0.1 && changed=0
  # Erlang distribution port (25672) on loopback too.
  add_setting "$ENV_CONF" SERVER_ADDITIONAL_ERL_ARGS= \
    'SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"' && changed=0
  # rabbitmq-env.conf is sourced by the shell scripts that start the node: raise the soft limit to the hard one
  # (raised by start_broker before it starts the node).
  add_setting "$ENV_CONF" 'ulimit ' 'ulimit -S -n "$(ulimit -H -n)" 2>/dev/null || true' && changed=0
  add_setting "$CONF" 'listeners\.tcp\.' 'listeners.tcp.default = 127.0.0.1:5672' && changed=0
  add_setting "$CONF" 'management\.tcp\.ip' 'management.tcp.ip = 127.0.0.1' && changed=0
  if ! { as_root test -f "$PLUGINS" && as_root grep -q rabbitmq_management "$PLUGINS"; }; then
    log "enabling rabbitmq_management"
    # --offline only edits enabled_plugins; the plugin is loaded when the broker (re)starts.
    as_root rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
    changed=0
  fi
  return $changed
}

start_broker() {
  if ready; then
    log "broker already running"
    return
  fi
  # Never launch a second node while one is still booting (e.g. started by a previous call).
  if server_process; then
    log "broker process present but not ready yet; waiting"
  else
    log "starting broker"
    # -detached returns at once; the loop below waits for the boot (≈ 5-10 s). The hard limit is raised here (root
    # may), the soft one by rabbitmq-env.conf (see configure).
    ulimit -H -n "$OPEN_FILES" 2>/dev/null || true
    ulimit -S -n "$OPEN_FILES" 2>/dev/null || true
    as_root rabbitmq-server -detached
  fi
  local begin=$SECONDS
  until ready; do
    if ((SECONDS - begin >= START_TIMEOUT)); then
      diagnose
      die "broker not ready after ${START_TIMEOUT}s; see /var/log/rabbitmq/"
    fi
    # Fail fast if the node died while booting (grace period: the VM appears shortly after -detached).
    if ((SECONDS - begin > 10)) && ! server_process; then
      diagnose
      die "broker process exited while starting; see /var/log/rabbitmq/"
    fi
    sleep 1
  done
  log "broker is up (amqp://127.0.0.1:5672, management http://127.0.0.1:15672)"
}

# What a failed start leaves for whoever reads the log (CI shows nothing else): the node's last log lines, its open
# files against its limit, a crash dump's reason.
diagnose() {
  local pid f
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    if [[ $( { tr '\0' ' ' <"$f"; } 2>/dev/null) == *" -s rabbit boot "* ]]; then
      log "node process $pid: $(as_root ls "/proc/$pid/fd" 2>/dev/null | wc -l) open files;" \
        "$(grep 'open files' "/proc/$pid/limits" 2>/dev/null | tr -s ' ')"
    fi
  done
  for f in /var/log/rabbitmq/rabbit@localhost.log; do
    as_root test -f "$f" || continue
    log "last lines of $f:"
    as_root tail -n 15 "$f" | cut -c1-300 | sed 's/^/[rabbitmq]   /'
  done
  if as_root test -f /var/lib/rabbitmq/erl_crash.dump; then
    log "crash dump: $(as_root sed -n 3p /var/lib/rabbitmq/erl_crash.dump | cut -c1-300)"
  fi
}

stop_broker() {
  if ! server_process; then
    log "broker already stopped"
    return
  fi
  log "stopping broker"
  # shutdown works however the node was started (`service ... stop` hangs on a -detached node).
  # It can fail on a node still booting; the loop below retries it.
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while server_process; do
    ((SECONDS < deadline)) || die "broker still running ${STOP_TIMEOUT}s after shutdown"
    as_root rabbitmqctl -q shutdown >/dev/null 2>&1 || sleep 1
  done
  log "broker stopped"
}

TEST_VHOST_PREFIX=dispatcher-test-

vhost_name() {
  [[ ${1:-} =~ ^[0-9]+$ ]] || die "usage: $0 scratch-vhost|drop-vhost OWNER_PID"
  echo "${TEST_VHOST_PREFIX}$1"
}

# Virtual hosts of test runs whose process is gone (killed runs, `exec`ed scripts): deleted, so they cannot pile up.
prune_vhosts() {
  local vhost pid
  while read -r vhost; do
    [[ $vhost =~ ^${TEST_VHOST_PREFIX}([0-9]+)$ ]] || continue
    pid=${BASH_REMATCH[1]}
    [[ -d /proc/$pid ]] && continue
    log "deleting virtual host $vhost (its run, process $pid, is gone)" >&2
    as_root rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
  done < <(as_root rabbitmqctl -q list_vhosts name 2>/dev/null)
}

case "${1:-start}" in
  start)
    install_if_missing
    if configure && server_process; then
      log "configuration changed; restarting the broker"
      stop_broker
    fi
    start_broker
    ;;
  stop)
    installed || die "rabbitmq-server is not installed"
    stop_broker
    ;;
  scratch-vhost)
    vhost=$(vhost_name "${2:-}")
    prune_vhosts
    as_root rabbitmqctl -q add_vhost "$vhost" >/dev/null 2>&1 || true
    as_root rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null ||
      die "could not create the virtual host $vhost"
    echo "amqp://guest:guest@127.0.0.1:5672/$vhost"
    ;;
  drop-vhost)
    vhost=$(vhost_name "${2:-}")
    as_root rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
    ;;
  *)
    die "usage: $0 [start|stop|scratch-vhost OWNER_PID|drop-vhost OWNER_PID]"
    ;;
esac
