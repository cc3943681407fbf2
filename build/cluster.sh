#!/usr/bin/env bash
# A three-node RabbitMQ cluster on loopback for the cluster tests (issue #16), next to the machine's own broker
# (rabbit@localhost on 5672/15672/25672, which this script never touches).
# Usage: build/cluster.sh start|stop|status|queues|kill-node N|start-node N
#   start:        start the nodes dispatcher-c1..c3@localhost (AMQP 5701-5703, Erlang distribution 25701-25703, no
#                 plugins, data and logs in /tmp/dispatcher-cluster/cN), join c2 and c3 to c1, wait until all three
#                 run in one cluster, print their AMQP URLs (one line each: "cN amqp://...").
#   stop:         shut the three nodes down and delete /tmp/dispatcher-cluster.
#   status:       print the cluster's running nodes (as c1, else any running node, sees them).
#   kill-node N:  SIGKILL node N's Erlang VM (a crash: no shutdown, no goodbye to its peers).
#   queues:       list the cluster's queues with their type and leader (as any running node sees them).
#   start-node N: start node N again (it rejoins the cluster with its data) and wait until the cluster runs it.
# Safe to run repeatedly, whatever state the nodes are in. Needs root or sudo (the nodes run as the rabbitmq user,
# whose HOME holds the Erlang cookie the nodes share).
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"

BASE=/tmp/dispatcher-cluster
NODES=(1 2 3)
AMQP_PORT_BASE=5700
DIST_PORT_BASE=25700
START_TIMEOUT=90
STOP_TIMEOUT=60
OPEN_FILES=65536

log() { echo "[cluster] $*" >&2; }
die() { echo "[cluster] ERROR: $*" >&2; exit 1; }

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available; run as root"
  SUDO=(sudo)
fi
as_root() { "${SUDO[@]}" "$@"; }

node_name() { echo "dispatcher-c$1@localhost"; }
amqp_port() { echo $((AMQP_PORT_BASE + $1)); }
dist_port() { echo $((DIST_PORT_BASE + $1)); }
node_dir() { echo "$BASE/c$1"; }
url() { echo "amqp://guest:guest@127.0.0.1:$(amqp_port "$1")/"; }

check_index() { [[ ${1:-} =~ ^[123]$ ]] || die "node number must be 1, 2 or 3 (got '${1:-}')"; }

# The same recipe as tests/Dispatcher.TestSupport/RabbitMq/PrivateBroker.cs: every RABBITMQ_* setting the shared
# broker takes from /etc/rabbitmq is overridden (node name, ports, data, logs, config, plugins), so nothing is shared
# with it but epmd and the cookie.
node_env() {
  local n=$1 dir
  dir=$(node_dir "$n")
  echo RABBITMQ_NODENAME="$(node_name "$n")" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$(amqp_port "$n")" \
    RABBITMQ_DIST_PORT="$(dist_port "$n")" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" \
    RABBITMQ_PID_FILE="$dir/pid"
}

# rabbitmqctl against node N (the tools switch to the rabbitmq user, so they use its cookie).
ctl() {
  local n=$1
  shift
  # shellcheck disable=SC2046 # node_env prints VAR=value words without spaces
  as_root env $(node_env "$n") rabbitmqctl -n "$(node_name "$n")" -q "$@"
}

accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$(amqp_port "$1")") 2>/dev/null; }

# The pid of node N's Erlang VM, if it runs: the pid file the node writes at boot, checked against the process.
vm_pid() {
  local n=$1 pid
  pid=$(as_root cat "$(node_dir "$n")/pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $( { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) == *beam*" -s rabbit boot "* ]] || return 1
  echo "$pid"
}

running() { vm_pid "$1" >/dev/null; }

prepare_dir() {
  local n=$1 dir
  dir=$(node_dir "$n")
  as_root mkdir -p "$dir"
  as_root test -f "$dir/enabled_plugins" || echo '[].' | as_root tee "$dir/enabled_plugins" >/dev/null
  as_root test -f "$dir/rabbitmq.conf" || printf '%s\n' 'loopback_users = none' | as_root tee "$dir/rabbitmq.conf" >/dev/null
  as_root chown -R rabbitmq:rabbitmq "$BASE"
}

launch() {
  local n=$1
  if running "$n"; then
    return
  fi
  prepare_dir "$n"
  log "starting $(node_name "$n") (amqp $(amqp_port "$n"), distribution $(dist_port "$n"))"
  ulimit -H -n "$OPEN_FILES" 2>/dev/null || true
  ulimit -S -n "$OPEN_FILES" 2>/dev/null || true
  # shellcheck disable=SC2046
  as_root env $(node_env "$n") rabbitmq-server -detached
}

wait_booted() {
  local n=$1 begin=$SECONDS
  until accepts "$n" && ctl "$n" await_startup >/dev/null 2>&1; do
    ((SECONDS - begin < START_TIMEOUT)) || die "$(node_name "$n") not up after ${START_TIMEOUT}s; see $(node_dir "$n")/log"
    if ((SECONDS - begin > 10)) && ! running "$n"; then
      as_root tail -n 15 "$(node_dir "$n")/log/$(node_name "$n").log" 2>/dev/null | cut -c1-300 >&2 || true
      die "$(node_name "$n") exited while starting; see $(node_dir "$n")/log"
    fi
    sleep 1
  done
}

# Erlang term evaluated on node N, printed as the node prints it.
eval_on() { ctl "$1" eval "$2" 2>/dev/null | tr -d '\n '; }

running_count() { eval_on "$1" 'length(rabbit_nodes:all_running()).'; }

member_of_c1() { [[ $(eval_on 1 "lists:member('$(node_name "$1")', rabbit_nodes:all()).") == true ]]; }

join() {
  local n=$1
  member_of_c1 "$n" && return
  log "joining $(node_name "$n") to $(node_name 1)"
  local step out
  # A node with data from another cluster (a half-finished earlier run) must be reset before it may join. The tools
  # print harmless feature-flag warnings while a node joins: shown only when a step fails.
  for step in stop_app reset "join_cluster $(node_name 1)" start_app; do
    # shellcheck disable=SC2086 # step is a command and its argument
    out=$(ctl "$n" $step 2>&1) || { echo "$out" >&2; die "'rabbitmqctl $step' failed on $(node_name "$n")"; }
  done
}

wait_cluster() {
  local begin=$SECONDS
  until [[ $(running_count 1 2>/dev/null || true) == "${#NODES[@]}" ]]; do
    ((SECONDS - begin < START_TIMEOUT)) || die "the cluster does not run ${#NODES[@]} nodes after ${START_TIMEOUT}s: $(status_line)"
    sleep 1
  done
}

status_line() {
  local n
  for n in "${NODES[@]}"; do
    if running "$n"; then
      eval_on "$n" 'rabbit_nodes:all_running().' && echo && return
    fi
  done
  echo "no node running"
}

stop_node() {
  local n=$1 deadline=$((SECONDS + STOP_TIMEOUT))
  running "$n" || return 0
  log "stopping $(node_name "$n")"
  while running "$n"; do
    if ((SECONDS >= deadline)); then
      log "$(node_name "$n") still running ${STOP_TIMEOUT}s after shutdown; killing it"
      kill_node "$n"
      break
    fi
    ctl "$n" shutdown >/dev/null 2>&1 || sleep 1
  done
}

kill_node() {
  local n=$1 pid
  if ! pid=$(vm_pid "$n"); then
    log "$(node_name "$n") is not running"
    return
  fi
  log "SIGKILL $(node_name "$n") (pid $pid)"
  as_root kill -KILL "$pid"
  while [[ -d /proc/$pid ]]; do sleep 0.1; done
}

case "${1:-}" in
  start)
    for n in "${NODES[@]}"; do launch "$n"; done
    for n in "${NODES[@]}"; do wait_booted "$n"; done
    for n in "${NODES[@]:1}"; do join "$n"; done
    wait_cluster
    log "cluster running: $(status_line)"
    for n in "${NODES[@]}"; do echo "c$n $(url "$n")"; done
    ;;
  stop)
    # c2 and c3 first: the last node to stop is the one that knows the others left (irrelevant here, as the data
    # goes, but it keeps each shutdown quick).
    for n in 3 2 1; do stop_node "$n"; done
    as_root rm -rf "$BASE"
    log "cluster stopped"
    ;;
  status)
    status_line
    ;;
  queues)
    for n in "${NODES[@]}"; do
      if running "$n"; then
        ctl "$n" list_queues name type leader
        exit 0
      fi
    done
    die "no node running"
    ;;
  kill-node)
    check_index "${2:-}"
    kill_node "$2"
    ;;
  start-node)
    check_index "${2:-}"
    launch "$2"
    wait_booted "$2"
    wait_cluster
    log "cluster running: $(status_line)"
    ;;
  *)
    die "usage: $0 start|stop|status|queues|kill-node N|start-node N"
    ;;
esac
