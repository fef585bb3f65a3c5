#!/bin/sh
# Mosquitto for deploy/docker-compose.yml (eclipse-mosquitto:2): accounts, ACL, start.
#
#   broker.sh start                 entry point: write passwd and acl, then run Mosquitto as PID 1
#   broker.sh add <id> <password>   give one meter an MQTT account (username = meter id)
#   broker.sh import                meters from stdin, one "id:password" (plain text) per line
#   broker.sh remove <id>...        revoke meters; the broker drops their connections
#   broker.sh list                  provisioned meter ids
#   broker.sh render                write passwd and acl only (no start, no reload)
#
# In the stack:  docker compose exec mosquitto sh /meterflow/broker.sh add meter-0001 'pw'
#                docker compose exec -T mosquitto sh /meterflow/broker.sh import < meters.txt
# add/import/remove reload the running broker (SIGHUP): connected clients stay connected.
#
# The rules are the local stack's (deploy/stack/mosquitto-server.ts, docs/device-security.md):
# anonymous clients are refused; the bridge account (MF_MQTT_USERNAME) may read and write
# meters/# and gateways/#; every other login is a meter whose username is its id and may only
# publish meters/<id>/readings|stats|acks and read meters/<id>/commands. The dev fleet account
# (MF_MQTT_FLEET_USERNAME, any meter) exists only while MF_MQTT_FLEET_PASSWORD is set.
#
# Files (volume mosquitto-accounts, MOSQUITTO_ACCOUNTS_DIR): service.passwd (rehashed from the
# environment on every start), meters.passwd (hashed; only add/import/remove change it),
# passwd = both (what the broker reads), acl.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
accounts=${MOSQUITTO_ACCOUNTS_DIR:-/mosquitto/accounts}
certs_in=${MOSQUITTO_CERTS_DIR:-/mosquitto/certs}
certs_out=${MOSQUITTO_TLS_DIR:-/mosquitto/tls}
bridge_user=${MF_MQTT_USERNAME:-meterflow-bridge}
fleet_user=${MF_MQTT_FLEET_USERNAME:-meterflow-fleet}
fleet_password=${MF_MQTT_FLEET_PASSWORD:-}

fail() { echo "broker.sh: $*" >&2; exit 1; }

# A meter id as the platform accepts it (core/contracts/wire-fields.ts), without ':' (it separates
# the fields of a password file), and not a service account's name.
check_id() {
  case "$1" in
    '' | *[!A-Za-z0-9._-]*) fail "\"$1\" cannot be a meter account: use 1-64 of A-Z a-z 0-9 . _ - (no ':')" ;;
  esac
  [ "${#1}" -le 64 ] || fail "\"$1\" is longer than 64 characters"
  if [ "$1" = "$bridge_user" ] || [ "$1" = "$fleet_user" ]; then fail "\"$1\" is a service account"; fi
}

# Ownership for Mosquitto, which reads these files after dropping to the mosquitto user.
own() {
  if [ "$(id -u)" = 0 ] && id mosquitto >/dev/null 2>&1; then chown mosquitto:mosquitto "$@"; fi
}

write_service_accounts() {
  [ -n "${MF_MQTT_PASSWORD:-}" ] || fail "MF_MQTT_PASSWORD is empty: set it in deploy/.env"
  (
    umask 077
    printf '%s:%s\n' "$bridge_user" "$MF_MQTT_PASSWORD" > "$accounts/service.passwd.new"
    if [ -n "$fleet_password" ]; then printf '%s:%s\n' "$fleet_user" "$fleet_password" >> "$accounts/service.passwd.new"; fi
  )
  mosquitto_passwd -U "$accounts/service.passwd.new"
  mv "$accounts/service.passwd.new" "$accounts/service.passwd"
}

write_acl() {
  {
    echo '# Written by deploy/compose/mosquitto/broker.sh on every start; edits are overwritten.'
    echo ''
    echo '# Service account of the MQTT -> Kafka bridge.'
    echo "user $bridge_user"
    echo 'topic readwrite meters/#'
    echo 'topic readwrite gateways/#'
    echo ''
    if [ -n "$fleet_password" ]; then
      echo '# Development account for the meter simulator and gateways (may publish for any meter).'
      echo "user $fleet_user"
      echo 'topic readwrite meters/#'
      echo 'topic readwrite gateways/#'
      echo ''
    fi
    echo '# Per-meter credentials: a meter logs in with its id as username and may only publish'
    echo '# its own readings/stats/acks and read its own commands. Patterns apply to every user.'
    echo 'pattern write meters/%u/readings'
    echo 'pattern write meters/%u/stats'
    echo 'pattern write meters/%u/acks'
    echo 'pattern read meters/%u/commands'
  } > "$accounts/acl.new"
  chmod 600 "$accounts/acl.new"
  mv "$accounts/acl.new" "$accounts/acl"
}

assemble() {
  [ -f "$accounts/meters.passwd" ] || (umask 077 && : > "$accounts/meters.passwd")
  (umask 077 && cat "$accounts/service.passwd" "$accounts/meters.passwd" > "$accounts/passwd.new")
  mv "$accounts/passwd.new" "$accounts/passwd"
  own "$accounts" "$accounts/passwd" "$accounts/acl" "$accounts/meters.passwd" "$accounts/service.passwd"
}

# Meters whose ids are in file $1 (one per line) are dropped from meters.passwd.
drop_meters() {
  awk -F: 'NR == FNR { drop[$0] = 1; next } !($1 in drop)' "$1" "$accounts/meters.passwd" > "$accounts/meters.passwd.new"
  chmod 600 "$accounts/meters.passwd.new"
  mv "$accounts/meters.passwd.new" "$accounts/meters.passwd"
}

reload() {
  assemble
  if [ -r /proc/1/comm ] && [ "$(cat /proc/1/comm)" = mosquitto ]; then
    kill -HUP 1
    echo "broker.sh: reloaded the broker ($(wc -l < "$accounts/meters.passwd") meter accounts)"
  else
    echo "broker.sh: files written; the broker is not PID 1 here, reload it yourself (SIGHUP)"
  fi
}

mkdir -p "$accounts"
command=${1:-start}
[ $# -gt 0 ] && shift

case "$command" in
  start | render)
    write_service_accounts
    write_acl
    assemble
    [ "$command" = render ] && exit 0
    # TLS (conf.d/tls.conf): Mosquitto must be able to read the key as the mosquitto user.
    if [ -d "$certs_in" ] && [ -n "$(ls -A "$certs_in" 2>/dev/null | grep -v -e '^README' -e '^\.gitignore$' || true)" ]; then
      mkdir -p "$certs_out"
      cp "$certs_in"/*.crt "$certs_in"/*.key "$certs_out"/ 2>/dev/null || true
      chmod 600 "$certs_out"/* 2>/dev/null || true
      own "$certs_out" "$certs_out"/* 2>/dev/null || true
    fi
    mkdir -p /mosquitto/data
    own /mosquitto/data
    exec mosquitto -c "$here/mosquitto.conf"
    ;;
  add)
    [ $# -eq 2 ] || fail "usage: broker.sh add <meter-id> <password>"
    check_id "$1"
    [ -n "$2" ] || fail "empty password"
    assemble
    mosquitto_passwd -b "$accounts/meters.passwd" "$1" "$2"
    reload
    ;;
  import)
    tmp="$accounts/import.$$"
    ids="$accounts/import-ids.$$"
    trap 'rm -f "$tmp" "$ids"' EXIT
    (umask 077 && grep -v -e '^[[:space:]]*$' -e '^#' > "$tmp" || true)
    [ -s "$tmp" ] || fail "no \"id:password\" lines on stdin"
    cut -d: -f1 "$tmp" > "$ids"
    while IFS= read -r id; do check_id "$id"; done < "$ids"
    if cut -d: -f2- "$tmp" | grep -q '^$'; then fail "a line has no password (expected id:password)"; fi
    mosquitto_passwd -U "$tmp"
    assemble
    drop_meters "$ids"
    cat "$tmp" >> "$accounts/meters.passwd"
    echo "broker.sh: $(wc -l < "$ids") meter accounts imported"
    reload
    ;;
  remove)
    [ $# -ge 1 ] || fail "usage: broker.sh remove <meter-id>..."
    ids="$accounts/remove-ids.$$"
    trap 'rm -f "$ids"' EXIT
    printf '%s\n' "$@" > "$ids"
    assemble
    drop_meters "$ids"
    reload
    ;;
  list)
    if [ -f "$accounts/meters.passwd" ]; then cut -d: -f1 "$accounts/meters.passwd"; fi
    ;;
  *)
    fail "unknown command \"$command\": start, add, import, remove, list or render"
    ;;
esac
