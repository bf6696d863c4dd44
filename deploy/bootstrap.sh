#!/usr/bin/env bash
# Live quiz: one-line install / upgrade on a fresh Ubuntu 24.04 VPS (run as root).
#
#   curl -fsSL <raw url of this file> | sudo DOMAIN=quiz.example.org REPO_URL=https://… bash
#   sudo DOMAIN=quiz.example.org bash deploy/bootstrap.sh          # from a clone
#   bash deploy/bootstrap.sh --dry-run                             # print the plan only
#
# Every stage is idempotent: re-running upgrades the app (database backed up first) and
# keeps the secrets, the swap file and the stored pool. See deploy/README.md.
#
# Options:
#   --dry-run              print every action, change nothing
#   --domain NAME          same as DOMAIN=NAME
#   --tls caddy|native     who terminates TLS (same as TLS_MODE=…): caddy (the default) proxies
#                          to the server on 127.0.0.1; native has the server itself serve HTTPS
#                          on 443 and ACME/redirects on 80, with a certificate from certbot.
#                          A re-run keeps the installed mode unless --tls is given.
#   --course NAME          add a course: its own quiz@NAME service, port, database, secrets
#                          and pool, served at https://NAME.DOMAIN/ (caddy mode only)
#   --stages a,b,…         run only these stages (swap packages user app secrets pool service start certificate)
#   --root DIR             write the configuration files under DIR instead of / and run no
#                          system commands (a scratch root for tests and reviews)
#   --print-unit [DOMAIN]  print the systemd unit this script installs (for the --tls mode), then exit
#   --print-course-unit    print the quiz@.service template for courses, then exit
#   --print-caddyfile DOMAIN  print the Caddyfile this script installs, then exit
#   -h, --help
#
# Environment: DOMAIN, REPO_URL, REPO_REF (branch or tag), ADMIN_PASSWORD, ACME_EMAIL,
# ROOT (same as --root), BUN_BIN (path of bun in the unit; default /usr/local/bin/bun),
# TLS_MODE (same as --tls), HTTPS_PORT / HTTP_PORT (the public ports; default 443 / 80),
# APP_PORT (the server's port behind Caddy; default 8001), COURSE_PORT_BASE (first course
# port; default 8101), QUIZ_OS_RELEASE (the os-release file to check; tests only),
# QUIZ_TEST_TLS=1 (tests only: Caddy issues every certificate itself with `tls internal`
# and native mode gets a self-signed certificate; nothing ever asks an ACME server).
set -euo pipefail

# ---------------------------------------------------------------------------- settings
BUN_VERSION="1.4.4"
REPO_URL_PLACEHOLDER="https://github.com/CHANGE-ME/live-quiz.git"
APP_USER="quiz"
APP_DIR="/opt/quiz"
DATA_DIR="/var/lib/quiz"
DB_PATH="$DATA_DIR/quiz.db"
BACKUP_DIR="$DATA_DIR/backups"
CONF_DIR="/etc/quiz"
ENV_FILE="$CONF_DIR/quiz.env"
UNIT_FILE="/etc/systemd/system/quiz.service"
COURSE_UNIT_FILE="/etc/systemd/system/quiz@.service"
COURSE_CONF_DIR="$CONF_DIR/courses"
COURSE_DATA_DIR="$DATA_DIR/courses"
TLS_DIR="/etc/ssl/quiz"   # not under /etc/quiz (0700): the service user reads these
TLS_CERT="$TLS_DIR/fullchain.pem"
TLS_KEY="$TLS_DIR/privkey.pem"
ACME_WEBROOT="$DATA_DIR/acme"
CERTBOT_HOOK="$CONF_DIR/certbot-deploy-hook"
CADDYFILE="/etc/caddy/Caddyfile"
SYSCTL_FILE="/etc/sysctl.d/60-quiz-swap.conf"
SSHD_DROPIN="/etc/ssh/sshd_config.d/60-quiz-deny.conf"
SWAP_FILE="/swapfile"
SWAP_SIZE="2G"
FSTAB_LINE="$SWAP_FILE none swap sw 0 0"
APP_PORT="${APP_PORT:-8001}"
COURSE_PORT_BASE="${COURSE_PORT_BASE:-8101}"
HTTPS_PORT="${HTTPS_PORT:-443}"
HTTP_PORT="${HTTP_PORT:-80}"
APT_PACKAGES=(git curl unzip sqlite3 ca-certificates openssl nodejs npm)
ALL_STAGES=(swap packages user app secrets pool service start certificate)
# A course name becomes a DNS label (NAME.DOMAIN), a unit instance and a file name.
COURSE_NAME_RULE='^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$'

DRY_RUN=0
ROOT="${ROOT:-}"
DOMAIN="${DOMAIN:-}"
REPO_URL="${REPO_URL:-}"
REPO_REF="${REPO_REF:-}"
ACME_EMAIL="${ACME_EMAIL:-}"
BUN_BIN="${BUN_BIN:-/usr/local/bin/bun}"
OS_RELEASE="${QUIZ_OS_RELEASE:-/etc/os-release}"   # tests point this at a fake file
TEST_TLS="${QUIZ_TEST_TLS:-0}"                      # tests only: never ask an ACME server
TLS_MODE="${TLS_MODE:-}"
COURSE=""
COURSE_GIVEN=0
SELECTED_STAGES=""
UPGRADE=0        # set by the app stage: /opt/quiz already existed
DB_BACKUP=""     # set by the app stage on upgrade

# ---------------------------------------------------------------------------- output
say() { printf '%s\n' "$*"; }
stage() { printf '\n==> [%s] %s\n' "$1" "$2"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Run a system command, or under --dry-run only print it. Stdin is /dev/null so that a
# command can never eat the rest of the script under `curl | bash`.
run() {
  if [[ $DRY_RUN == 1 ]]; then
    printf '    would run: %s\n' "$*"
  else
    printf '    + %s\n' "$*"
    "$@" </dev/null
  fi
}

# A path under the scratch root (ROOT is empty on a real install).
at() { printf '%s%s' "$ROOT" "$1"; }

# write_file PATH MODE DESCRIPTION: write stdin to PATH (under ROOT) with MODE, only if the
# bytes differ. Prints what it did, or would do under --dry-run.
write_file() {
  local path mode what content target tmp
  path="$1" mode="$2" what="$3"
  target="$(at "$path")"
  content="$(cat)"
  if [[ -f $target ]] && [[ "$(cat "$target")" == "$content" ]] && [[ "$(stat -c %a "$target")" == "$mode" ]]; then
    note "unchanged: $path ($what)"
    return 0
  fi
  if [[ $DRY_RUN == 1 ]]; then
    note "would write: $path (mode $mode; $what)"
    return 0
  fi
  mkdir -p "$(dirname "$target")"
  tmp="$(mktemp "$target.XXXXXX")"
  printf '%s\n' "$content" >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$target"
  note "wrote: $path (mode $mode; $what)"
}

# ---------------------------------------------------------------------------- renderers
# The unit and the Caddyfile come only from these functions: the install, --print-unit,
# --print-caddyfile and the tests all use them.
# The hardening shared by quiz.service and quiz@.service (deploy/README.md explains each
# line). Bun's JIT needs writable+executable memory, so MemoryDenyWriteExecute stays off;
# the deploy test under systemd proves the server starts and serves under the rest.
render_hardening() {
  local mode="$1" data_dir="$2"
  cat <<EOF
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=$data_dir
PrivateTmp=yes
ProtectHome=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
LockPersonality=yes
RemoveIPC=yes
UMask=0077
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM
EOF
  if [[ $mode == native ]]; then
    # Ports 443 and 80 without root: this one capability, nothing else.
    printf '%s\n' "CapabilityBoundingSet=CAP_NET_BIND_SERVICE" "AmbientCapabilities=CAP_NET_BIND_SERVICE"
  else
    # No capability at all. PrivateUsers also hides every other user; it cannot be
    # combined with the capability native mode needs for ports below 1024.
    printf '%s\n' "CapabilityBoundingSet=" "PrivateUsers=yes"
  fi
}

# unit_head DESCRIPTION: what quiz.service and quiz@.service share up to their environment.
unit_head() {
  cat <<EOF
[Unit]
Description=$1
Documentation=file://$APP_DIR/deploy/README.md
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=$APP_USER
Group=$APP_USER
WorkingDirectory=$APP_DIR
Environment=NODE_ENV=production
EOF
}

# unit_tail MODE DATA_DIR: restart policy, limits, hardening and [Install] of both units.
unit_tail() {
  cat <<EOF
Restart=always
RestartSec=2
TimeoutStopSec=15
LimitNOFILE=65536

# Hardening (deploy/README.md explains each line).
EOF
  render_hardening "$1" "$2"
  printf '\n[Install]\nWantedBy=multi-user.target\n'
}

render_unit() {
  local domain="$1" mode="${2:-caddy}"
  cat <<EOF
# Managed by deploy/bootstrap.sh: re-running it rewrites this file.
# Secrets live in $ENV_FILE (read by systemd as root before it drops to User=).
EOF
  unit_head "Live quiz server"
  echo "Environment=QUIZ_DB_PATH=$DB_PATH"
  if [[ $mode == native ]]; then
    local public_url="https://$domain"
    [[ $HTTPS_PORT != 443 ]] && public_url="$public_url:$HTTPS_PORT"
    cat <<EOF
# TLS in the server (--tls native): HTTPS and WSS on $HTTPS_PORT, ACME http-01 and redirects
# on $HTTP_PORT. certbot's deploy hook copies renewed certificates to $TLS_DIR and reloads.
Environment=PORT=$HTTPS_PORT
Environment=HOST=::
Environment=QUIZ_TLS_CERT=$TLS_CERT
Environment=QUIZ_TLS_KEY=$TLS_KEY
Environment=QUIZ_HTTP_PORT=$HTTP_PORT
Environment=QUIZ_ACME_WEBROOT=$ACME_WEBROOT
Environment=QUIZ_TRUST_PROXY=0
Environment=QUIZ_PUBLIC_URL=$public_url
EOF
  else
    cat <<EOF
Environment=PORT=$APP_PORT
Environment=HOST=127.0.0.1
Environment=QUIZ_TRUST_PROXY=1
Environment=QUIZ_PUBLIC_URL=https://$domain
EOF
  fi
  cat <<EOF
EnvironmentFile=$ENV_FILE
ExecStart=$BUN_BIN src/main.ts
ExecReload=/bin/kill -HUP \$MAINPID
EOF
  unit_tail "$mode" "$DATA_DIR"
}

# One instance per course: quiz@NAME.service reads PORT, QUIZ_PUBLIC_URL and its secrets
# from $COURSE_CONF_DIR/NAME.env and keeps its database in $COURSE_DATA_DIR/NAME/.
render_course_unit() {
  echo "# Managed by deploy/bootstrap.sh (bootstrap.sh --course NAME adds an instance)."
  unit_head "Live quiz server for the course %i"
  cat <<EOF
Environment=HOST=127.0.0.1
Environment=QUIZ_TRUST_PROXY=1
Environment=QUIZ_DB_PATH=$COURSE_DATA_DIR/%i/quiz.db
EnvironmentFile=$COURSE_CONF_DIR/%i.env
ExecStart=$BUN_BIN src/main.ts
EOF
  unit_tail caddy "$COURSE_DATA_DIR/%i"
}

# The courses installed under ROOT, one "NAME PORT" line each.
installed_courses() {
  local dir file
  dir="$(at "$COURSE_CONF_DIR")"
  [[ -d $dir ]] || return 0
  for file in "$dir"/*.env; do
    [[ -f $file ]] || continue
    printf '%s %s\n' "$(basename "$file" .env)" "$(sed -n 's/^PORT=//p' "$file" | head -n 1)"
  done
}

# render_caddyfile DOMAIN [NAME PORT]: the site, every installed course as NAME.DOMAIN,
# and the course being added (given here before its env file exists).
render_caddyfile() {
  local domain="$1" new_name="${2:-}" new_port="${3:-}" globals=() name port
  echo "# Managed by deploy/bootstrap.sh: re-running it rewrites this file."
  if [[ -n $ACME_EMAIL ]]; then globals+=("email $ACME_EMAIL"); fi
  if [[ $HTTPS_PORT != 443 ]]; then globals+=("https_port $HTTPS_PORT"); fi
  if [[ $HTTP_PORT != 80 ]]; then globals+=("http_port $HTTP_PORT"); fi
  # Tests only: Caddy's own CA issues every certificate; nothing reaches an ACME server.
  if [[ $TEST_TLS == 1 ]]; then globals+=("local_certs" "skip_install_trust"); fi
  echo "{"
  if [[ ${#globals[@]} -gt 0 ]]; then printf '\t%s\n' "${globals[@]}"; fi
  cat <<EOF
	servers {
		# Slow clients: a request's headers must arrive within 10 s and its body (a pool
		# upload) within 60 s. WebSockets are not cut: the upgrade ends the request.
		timeouts {
			read_header 10s
			read_body 60s
			idle 2m
		}
	}
}

# Every site: HSTS for a year, and no Server banner.
(quiz_site) {
	encode zstd gzip
	header {
		Strict-Transport-Security "max-age=31536000"
		-Server
	}
}

# Automatic HTTPS for $domain (Let's Encrypt); plain HTTP redirects to HTTPS.
# reverse_proxy passes WebSocket upgrades through and sets X-Forwarded-For, which the
# server trusts because the unit sets QUIZ_TRUST_PROXY=1.
$domain {
	import quiz_site
	reverse_proxy 127.0.0.1:$APP_PORT
}
EOF
  {
    installed_courses
    if [[ -n $new_name ]]; then printf '%s %s\n' "$new_name" "$new_port"; fi
  } | sort -u | while read -r name port; do
    cat <<EOF

# The course $name: quiz@$name.service, $COURSE_CONF_DIR/$name.env.
$name.$domain {
	import quiz_site
	reverse_proxy 127.0.0.1:$port
}
EOF
  done
}

render_sysctl() {
  printf '%s\n' "# Managed by deploy/bootstrap.sh: use the swap file only under real memory pressure." "vm.swappiness=10"
}

render_sshd_dropin() {
  printf '%s\n' "# Managed by deploy/bootstrap.sh: the quiz service account never logs in." "DenyUsers $APP_USER"
}

# ---------------------------------------------------------------------------- helpers
random_secret() {
  head -c 48 /dev/urandom | base64 -w0 | tr -d '/+='
}

valid_domain() {
  [[ $1 =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$ ]]
}

# The domain of an earlier install (its unit), so a re-run needs no DOMAIN=.
previous_domain() {
  local unit
  unit="$(at "$UNIT_FILE")"
  [[ -f $unit ]] && sed -n 's|^Environment=QUIZ_PUBLIC_URL=https://||p' "$unit" | head -n 1 | sed 's|:[0-9]*$||'
  return 0
}

# The TLS mode of an earlier install (its unit), so a re-run keeps it.
previous_mode() {
  local unit
  unit="$(at "$UNIT_FILE")"
  if [[ -f $unit ]] && grep -q '^Environment=QUIZ_TLS_CERT=' "$unit"; then
    printf native
  elif [[ -f $unit ]]; then
    printf caddy
  fi
}

resolve_mode() {
  local previous
  previous="$(previous_mode)"
  if [[ -z $TLS_MODE ]]; then
    TLS_MODE="${previous:-caddy}"
    [[ -n $previous ]] && note "--tls not given: keeping $TLS_MODE mode from $UNIT_FILE"
  fi
  [[ $TLS_MODE == caddy || $TLS_MODE == native ]] || die "--tls must be caddy or native, not '$TLS_MODE'"
  if [[ $TLS_MODE == native && -n "$(installed_courses)" ]]; then
    die "--tls native serves one course on 443; this box has courses ($(installed_courses | cut -d' ' -f1 | paste -sd' ')) that need Caddy in front: keep --tls caddy"
  fi
  if [[ -n $previous && $previous != "$TLS_MODE" ]]; then
    note "switching from $previous to $TLS_MODE mode"
  fi
  check_public_ports_free
}

# Native mode binds the public ports itself: refuse, before any change, if something other
# than an earlier quiz or Caddy (which the start stage stops) holds one.
check_public_ports_free() {
  [[ $TLS_MODE == native && -z $ROOT && $DRY_RUN == 0 ]] || return 0
  command -v ss >/dev/null 2>&1 || return 0
  local port holders
  for port in "$HTTPS_PORT" "$HTTP_PORT"; do
    holders="$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:(("[^"]*"' | sed 's/^users:(("//; s/"$//' |
      sort -u | grep -vx -e bun -e caddy | paste -sd, -)" || true
    [[ -z $holders ]] ||
      die "port $port is already taken by $holders: --tls native needs it for the quiz server; stop $holders or keep --tls caddy. Nothing was changed"
  done
}

# The local health check: behind Caddy the plain port; in native mode the HTTPS port,
# with the certificate unchecked (this checks the process; it may still be self-signed).
health_url() {
  if [[ $TLS_MODE == native ]]; then
    printf 'https://127.0.0.1:%s/healthz' "$HTTPS_PORT"
  else
    printf 'http://127.0.0.1:%s/healthz' "$APP_PORT"
  fi
}

# wait_healthy URL: up to 30 s for URL to answer 200; prints it, or returns 1.
wait_healthy() {
  local url="$1" tries=0
  until curl -fsSk --max-time 2 "$url" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [[ $tries -ge 30 ]] && return 1
    sleep 1
  done
  note "healthy: $(curl -fsSk --max-time 2 "$url")"
}

# Every installed course's database, so an upgrade backs each one up.
course_names() {
  installed_courses | cut -d' ' -f1
}

# The clone this script runs from, if any (empty under curl | bash).
clone_dir() {
  local source="${BASH_SOURCE[0]:-}" dir
  [[ -n $source && -f $source ]] || return 0
  dir="$(cd "$(dirname "$source")/.." && pwd)"
  if [[ -f $dir/package.json && -f $dir/src/main.ts && -f $dir/bun.lock ]]; then
    printf '%s' "$dir"
  fi
}

stage_selected() {
  [[ -z $SELECTED_STAGES ]] && return 0
  [[ ",$SELECTED_STAGES," == *",$1,"* ]]
}

system_stage_skipped_in_root() {
  if [[ -n $ROOT ]]; then
    note "skipped: --root runs only the file-writing stages (swap, user, secrets, service)"
    return 0
  fi
  return 1
}

# ---------------------------------------------------------------------------- preflight
preflight() {
  stage preflight "checking the machine"
  if [[ -n $ROOT ]]; then
    note "scratch root: $ROOT (files only; no system commands, no OS or root check)"
    return 0
  fi
  local problems=() id="" version=""
  if [[ -r $OS_RELEASE ]]; then
    id="$(sed -n 's/^ID=//p' "$OS_RELEASE" | tr -d "\"'")"
    version="$(sed -n 's/^VERSION_ID=//p' "$OS_RELEASE" | tr -d "\"'")"
  fi
  if [[ -z $id ]]; then
    problems+=("cannot tell the OS ($OS_RELEASE is missing or unreadable): the script supports Ubuntu 24.04 only")
  elif [[ $id != ubuntu ]]; then
    problems+=("this is $id${version:+ $version}, not Ubuntu: the script supports Ubuntu 24.04 only")
  elif [[ $version != 24.04 ]]; then
    warn "tested on Ubuntu 24.04; this is Ubuntu $version"
  fi
  if [[ $EUID -ne 0 ]]; then
    problems+=("run as root (e.g. curl -fsSL … | sudo bash)")
  fi
  if [[ ${#problems[@]} -gt 0 ]]; then
    local problem
    for problem in "${problems[@]}"; do
      if [[ $DRY_RUN == 1 ]]; then
        note "would stop here: $problem (continuing because of --dry-run)"
      else
        die "$problem"
      fi
    done
  else
    note "Ubuntu $version, running as root"
  fi
}

resolve_domain() {
  if [[ -z $DOMAIN ]]; then
    DOMAIN="$(previous_domain)"
    [[ -n $DOMAIN ]] && note "DOMAIN not given: keeping $DOMAIN from $UNIT_FILE"
  fi
  if [[ -z $DOMAIN ]]; then
    if [[ $DRY_RUN == 1 ]]; then
      DOMAIN="quiz.example.org"
      note "DOMAIN is not set: a real run would stop here; the plan below uses $DOMAIN"
      return 0
    fi
    die "set DOMAIN to the DNS name that points at this machine, e.g. DOMAIN=quiz.example.org"
  fi
  valid_domain "$DOMAIN" || die "DOMAIN=$DOMAIN is not a DNS name (use e.g. quiz.example.org, no https://, no path)"
}

# ---------------------------------------------------------------------------- stages
stage_swap() {
  stage "1/9 swap" "$SWAP_SIZE swap file $SWAP_FILE and vm.swappiness=10 (a 1 GB box would be OOM-killed when the class connects)"
  if [[ -z $ROOT ]]; then
    if swapon --show=NAME --noheadings 2>/dev/null | grep -qx "$SWAP_FILE"; then
      note "unchanged: $SWAP_FILE is already active"
    else
      if [[ ! -f $SWAP_FILE ]]; then
        run fallocate -l "$SWAP_SIZE" "$SWAP_FILE" || run dd if=/dev/zero of="$SWAP_FILE" bs=1M count=2048 status=none
        run chmod 600 "$SWAP_FILE"
        run mkswap "$SWAP_FILE"
      else
        note "$SWAP_FILE exists but is not active"
        run chmod 600 "$SWAP_FILE"
      fi
      run swapon "$SWAP_FILE"
    fi
  fi
  local fstab
  fstab="$(at /etc/fstab)"
  if [[ -f $fstab ]] && awk -v f="$SWAP_FILE" '$1 == f && $3 == "swap" { found = 1 } END { exit !found }' "$fstab"; then
    note "unchanged: /etc/fstab already mounts $SWAP_FILE"
  elif [[ $DRY_RUN == 1 ]]; then
    note "would append to /etc/fstab: $FSTAB_LINE"
  else
    mkdir -p "$(dirname "$fstab")"
    # Never glue the line onto a last line that has no newline.
    if [[ -s $fstab && -n "$(tail -c 1 "$fstab")" ]]; then printf '\n' >>"$fstab"; fi
    printf '%s\n' "$FSTAB_LINE" >>"$fstab"
    note "appended to /etc/fstab: $FSTAB_LINE"
  fi
  render_sysctl | write_file "$SYSCTL_FILE" 644 "vm.swappiness=10 at boot"
  if [[ -z $ROOT ]]; then
    run sysctl -q -w vm.swappiness=10
  fi
}

stage_packages() {
  local front=caddy
  [[ $TLS_MODE == native ]] && front=certbot
  stage "2/9 packages" "$front, git, curl, unzip, sqlite3, openssl, Node/npm from Ubuntu; Bun $BUN_VERSION from npm"
  system_stage_skipped_in_root && return 0
  local missing=() package packages=("$front" "${APT_PACKAGES[@]}")
  for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    note "unchanged: ${packages[*]} already installed"
  else
    run apt-get update -q
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  if [[ -x $BUN_BIN ]] && [[ "$("$BUN_BIN" --version 2>/dev/null || true)" == "$BUN_VERSION" ]]; then
    note "unchanged: $BUN_BIN is bun $BUN_VERSION"
  else
    run npm install --global --prefix /usr/local --no-audit --no-fund "bun@$BUN_VERSION"
    if [[ $DRY_RUN == 0 ]]; then
      [[ "$("$BUN_BIN" --version)" == "$BUN_VERSION" ]] || die "bun $BUN_VERSION did not install to $BUN_BIN"
    fi
  fi
}

stage_user() {
  stage "3/9 user" "system user '$APP_USER' (no shell, no SSH) and $DATA_DIR"
  if [[ -z $ROOT ]]; then
    if id -u "$APP_USER" >/dev/null 2>&1; then
      note "unchanged: user $APP_USER exists"
    else
      run useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin "$APP_USER"
    fi
    if [[ -d $DATA_DIR ]]; then
      note "unchanged: $DATA_DIR exists"
    else
      run install -d -m 0750 -o "$APP_USER" -g "$APP_USER" "$DATA_DIR"
    fi
    if [[ $TLS_MODE == native && ! -d $ACME_WEBROOT ]]; then
      # certbot (root) writes the http-01 challenges here; the server only reads them.
      run install -d -m 0755 -o root -g root "$ACME_WEBROOT"
    fi
  fi
  local before=""
  [[ -f "$(at "$SSHD_DROPIN")" ]] && before="$(cat "$(at "$SSHD_DROPIN")")"
  render_sshd_dropin | write_file "$SSHD_DROPIN" 644 "sshd refuses the $APP_USER account"
  if [[ -z $ROOT && "$before" != "$(render_sshd_dropin)" ]] && command -v sshd >/dev/null 2>&1; then
    if [[ $DRY_RUN == 1 ]] || sshd -t; then
      run systemctl try-reload-or-restart ssh.service
    else
      warn "sshd -t fails; not reloading ssh (fix /etc/ssh, then: systemctl reload ssh)"
    fi
  fi
}

# Copy a working tree (no node_modules, data or local env) to DEST.
copy_clone() {
  local source="$1" dest="$2"
  if [[ $DRY_RUN == 1 ]]; then
    note "would copy the clone $source to $dest (without node_modules, data, runs, backups, .env)"
    return 0
  fi
  note "+ copy $source → $dest"
  mkdir -p "$dest"
  tar -C "$source" --exclude=./node_modules --exclude=./data --exclude=./runs --exclude=./backups \
    --exclude=./coverage --exclude=./.env -cf - . | tar -C "$dest" -xf -
}

stage_app() {
  stage "4/9 app" "the app in $APP_DIR (built beside it, swapped in only once installed)"
  system_stage_skipped_in_root && return 0
  local clone staging="$APP_DIR.new"
  clone="$(clone_dir)"
  if [[ -d $APP_DIR ]]; then
    UPGRADE=1
    note "upgrade: $APP_DIR exists"
    local stamp course
    stamp="$(date -u +%Y%m%dT%H%M%SZ)"
    if [[ -f $DB_PATH ]]; then
      DB_BACKUP="$BACKUP_DIR/quiz-before-upgrade-$stamp.db"
      run install -d -m 0750 -o "$APP_USER" -g "$APP_USER" "$BACKUP_DIR"
      # As the service user, so that SQLite's -wal/-shm files never become root's.
      run runuser -u "$APP_USER" -- sqlite3 "$DB_PATH" ".backup '$DB_BACKUP'"
    else
      note "no database yet at $DB_PATH: nothing to back up"
    fi
    for course in $(course_names); do
      if [[ -f $COURSE_DATA_DIR/$course/quiz.db ]]; then
        run install -d -m 0750 -o "$APP_USER" -g "$APP_USER" "$BACKUP_DIR"
        run runuser -u "$APP_USER" -- sqlite3 "$COURSE_DATA_DIR/$course/quiz.db" \
          ".backup '$BACKUP_DIR/$course-before-upgrade-$stamp.db'"
      fi
    done
  else
    note "fresh install"
  fi
  [[ -n $clone && "$clone" == "$APP_DIR" && -z $REPO_URL ]] && note "running from $APP_DIR itself: reinstalling it as it is"
  run rm -rf "$staging"
  if [[ -n $REPO_URL ]]; then
    [[ $REPO_URL == "$REPO_URL_PLACEHOLDER" ]] && die "REPO_URL is still the placeholder $REPO_URL_PLACEHOLDER: set it to your repository"
    if [[ -n $REPO_REF ]]; then
      run git clone --quiet --depth 1 --branch "$REPO_REF" "$REPO_URL" "$staging"
    else
      run git clone --quiet --depth 1 "$REPO_URL" "$staging"
    fi
  elif [[ -n $clone ]]; then
    copy_clone "$clone" "$staging"
  elif [[ $DRY_RUN == 1 ]]; then
    note "would stop here: REPO_URL is not set and the script is not running from a clone"
    note "would clone: git clone --depth 1 \$REPO_URL $staging"
  else
    die "set REPO_URL to the git URL of the quiz repository (e.g. curl … | sudo DOMAIN=… REPO_URL=https://github.com/you/live-quiz.git bash), or run deploy/bootstrap.sh from a clone"
  fi
  if [[ $DRY_RUN == 0 ]]; then
    (cd "$staging" && printf '    + (in %s) %s install --production --frozen-lockfile\n' "$staging" "$BUN_BIN" &&
      "$BUN_BIN" install --production --frozen-lockfile </dev/null) ||
      die "bun install failed in $staging; $APP_DIR and the running service are untouched"
  else
    note "would run (in $staging): $BUN_BIN install --production --frozen-lockfile"
  fi
  if [[ -d $APP_DIR ]]; then
    run rm -rf "$APP_DIR.prev"
    run mv "$APP_DIR" "$APP_DIR.prev"
  fi
  run mv "$staging" "$APP_DIR"
  run chown -R root:root "$APP_DIR"
  run chmod -R go-w,a+rX "$APP_DIR"
}

stage_secrets() {
  stage "5/9 secrets" "QUIZ_SECRET_KEY and QUIZ_ADMIN_PASSWORD in $ENV_FILE (mode 0600, generated once)"
  local target
  target="$(at "$ENV_FILE")"
  if [[ -f $target ]]; then
    note "unchanged: $ENV_FILE exists (never overwritten; edit it and 'systemctl restart quiz' to change a secret)"
    [[ -n ${ADMIN_PASSWORD:-} ]] && warn "ADMIN_PASSWORD is ignored: $ENV_FILE already holds the password"
    if [[ $DRY_RUN == 0 && "$(stat -c %a "$target")" != 600 ]]; then
      chmod 600 "$target"
      note "fixed: mode 0600 on $ENV_FILE"
    fi
    return 0
  fi
  if [[ $DRY_RUN == 1 ]]; then
    if [[ -n ${ADMIN_PASSWORD:-} ]]; then
      note "would take the admin password from ADMIN_PASSWORD"
    else
      note "would prompt for the admin password on /dev/tty (not echoed; empty → generate one)"
    fi
    note "would generate QUIZ_SECRET_KEY"
    note "would write: $ENV_FILE (mode 600; QUIZ_ADMIN_PASSWORD, QUIZ_SECRET_KEY)"
    return 0
  fi
  local password="${ADMIN_PASSWORD:-}" again generated=0
  if [[ -z $password ]] && { : </dev/tty; } 2>/dev/null; then
    while :; do
      printf 'Admin password for the quiz (at least 8 characters; empty = generate one): ' >/dev/tty
      IFS= read -rs password </dev/tty || password=""
      printf '\n' >/dev/tty
      [[ -z $password ]] && break
      printf 'Again: ' >/dev/tty
      IFS= read -rs again </dev/tty || again=""
      printf '\n' >/dev/tty
      [[ $password == "$again" ]] && break
      printf 'The two passwords differ; try again.\n' >/dev/tty
    done
  fi
  if [[ -z $password ]]; then
    password="$(random_secret)"
    password="${password:0:20}"
    generated=1
  fi
  [[ ${#password} -ge 8 ]] || die "the admin password must be at least 8 characters"
  [[ $password != *[\'\\]* && $password != *[[:cntrl:]]* ]] ||
    die "the admin password may not contain a quote ('), a backslash or control characters"
  {
    printf '# Managed by deploy/bootstrap.sh: written once, never overwritten.\n'
    printf '# Change a value, then: systemctl restart quiz\n'
    printf "QUIZ_ADMIN_PASSWORD='%s'\n" "$password"
    printf "QUIZ_SECRET_KEY='%s'\n" "$(random_secret)"
  } | (umask 077 && write_file "$ENV_FILE" 600 "secrets")
  if [[ $generated == 1 ]]; then
    note "generated an admin password; read it with: sudo grep QUIZ_ADMIN_PASSWORD $ENV_FILE"
  fi
}

stage_pool() {
  stage "6/9 pool" "the demo pool on a fresh install"
  system_stage_skipped_in_root && return 0
  if [[ -f $DB_PATH ]]; then
    note "unchanged: the database keeps the pool loaded last (upload the week's pool at /admin/)"
  elif [[ $DRY_RUN == 1 || -f $APP_DIR/examples/demo10_pool.json ]]; then
    note "fresh database: the server loads $APP_DIR/examples/demo10_pool.json on first start"
    note "(QUIZ_POOL_PATH stays unset, so a pool uploaded at /admin/ survives restarts)"
  else
    die "$APP_DIR/examples/demo10_pool.json is missing: the app copy looks incomplete"
  fi
}

# Native mode: the certificate the server starts with. Until certbot has issued the real
# one (the certificate stage, which needs the server up to answer the http-01 challenge),
# a self-signed one; tests keep that one (QUIZ_TEST_TLS=1).
ensure_native_certificate() {
  if [[ -f "$(at "$TLS_CERT")" && -f "$(at "$TLS_KEY")" ]]; then
    note "unchanged: $TLS_CERT and $TLS_KEY exist"
    return 0
  fi
  if [[ $DRY_RUN == 1 || -n $ROOT ]]; then
    note "would create a self-signed certificate for $DOMAIN in $TLS_DIR (replaced by certbot's in the certificate stage)"
    return 0
  fi
  run install -d -m 0750 -o root -g "$APP_USER" "$TLS_DIR"
  run openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=$DOMAIN" -addext "subjectAltName=DNS:$DOMAIN" -keyout "$TLS_KEY" -out "$TLS_CERT"
  run chown root:"$APP_USER" "$TLS_CERT" "$TLS_KEY"
  run chmod 0640 "$TLS_CERT" "$TLS_KEY"
}

# certbot's deploy hook: copy the renewed certificate where the service user may read it,
# then SIGHUP the server (systemctl reload), which swaps it without dropping a socket.
render_certbot_hook() {
  cat <<EOF
#!/bin/sh
# Managed by deploy/bootstrap.sh: certbot runs this after it issues or renews a certificate.
set -eu
case " \${RENEWED_DOMAINS:-} " in
  *" $DOMAIN "*) ;;
  *) exit 0 ;;
esac
install -m 0640 -o root -g $APP_USER "\$RENEWED_LINEAGE/fullchain.pem" $TLS_CERT.new
install -m 0640 -o root -g $APP_USER "\$RENEWED_LINEAGE/privkey.pem" $TLS_KEY.new
mv -f $TLS_CERT.new $TLS_CERT
mv -f $TLS_KEY.new $TLS_KEY
systemctl reload quiz.service
EOF
}

stage_service() {
  if [[ $TLS_MODE == native ]]; then
    stage "7/9 service" "systemd unit $UNIT_FILE (HTTPS on $HTTPS_PORT in the server), certificate and certbot hook"
  else
    stage "7/9 service" "systemd units $UNIT_FILE, $COURSE_UNIT_FILE and Caddyfile for https://$DOMAIN"
  fi
  render_unit "$DOMAIN" "$TLS_MODE" | write_file "$UNIT_FILE" 644 "systemd unit ($TLS_MODE mode)"
  render_course_unit | write_file "$COURSE_UNIT_FILE" 644 "systemd template for courses"
  if [[ $TLS_MODE == native ]]; then
    ensure_native_certificate
    render_certbot_hook | write_file "$CERTBOT_HOOK" 755 "certbot deploy hook: copy the certificate, reload quiz"
  else
    install_caddyfile "$(render_caddyfile "$DOMAIN")"
  fi
  if [[ -z $ROOT ]]; then
    if command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null | grep -q '^Status: active'; then
      run ufw allow "$HTTP_PORT/tcp"
      run ufw allow "$HTTPS_PORT/tcp"
    fi
    if ! getent hosts "$DOMAIN" >/dev/null 2>&1; then
      warn "$DOMAIN does not resolve yet: point its DNS A/AAAA record at this machine before the certificate is requested"
    fi
  fi
}

# install_caddyfile CONTENT: keep the packaged Caddyfile once, write CONTENT, validate it.
install_caddyfile() {
  local content="$1" caddyfile
  caddyfile="$(at "$CADDYFILE")"
  if [[ -f $caddyfile && ! -f $caddyfile.dist ]] && ! grep -q 'Managed by deploy/bootstrap.sh' "$caddyfile"; then
    if [[ $DRY_RUN == 1 ]]; then
      note "would keep the packaged Caddyfile as $CADDYFILE.dist"
    else
      cp -p "$caddyfile" "$caddyfile.dist"
      note "kept the packaged Caddyfile as $CADDYFILE.dist"
    fi
  fi
  printf '%s\n' "$content" | write_file "$CADDYFILE" 644 "Caddy: HTTPS for $DOMAIN → 127.0.0.1:$APP_PORT"
  [[ -n $ROOT ]] && return 0
  if [[ $DRY_RUN == 1 ]] || caddy validate --config "$CADDYFILE" --adapter caddyfile >/dev/null 2>&1; then
    run caddy validate --config "$CADDYFILE" --adapter caddyfile
  else
    caddy validate --config "$CADDYFILE" --adapter caddyfile || true
    die "the Caddyfile does not validate (see above)"
  fi
}

start_failed() {
  local unit="$1" url="$2"
  say ""
  say "The quiz did not answer $url within 30 s. Look at:"
  say "  journalctl -u $unit -n 50 --no-pager     (the server's log)"
  say "  systemctl status $unit"
  if [[ $UPGRADE == 1 ]]; then
    say "The previous version is in $APP_DIR.prev${DB_BACKUP:+; the database backup is $DB_BACKUP}."
    say "To roll back: systemctl stop quiz; rm -rf $APP_DIR; mv $APP_DIR.prev $APP_DIR; systemctl start quiz"
  fi
  journalctl -u "$unit" -n 20 --no-pager 2>/dev/null || true
  exit 1
}

stage_start() {
  local url course
  url="$(health_url)"
  stage "8/9 start" "start the service, then check $url"
  system_stage_skipped_in_root && return 0
  run systemctl daemon-reload
  if [[ $TLS_MODE == native ]]; then
    # The server takes 443 and 80 itself: Caddy, if an earlier caddy-mode install left it, goes.
    if systemctl list-unit-files caddy.service >/dev/null 2>&1 && systemctl is-enabled --quiet caddy.service 2>/dev/null; then
      run systemctl disable --now caddy.service
    fi
    run systemctl enable --quiet quiz.service
  else
    run systemctl enable --quiet quiz.service caddy.service
  fi
  if [[ $UPGRADE == 1 ]]; then
    run systemctl restart quiz.service
    for course in $(course_names); do run systemctl restart "quiz@$course.service"; done
  else
    run systemctl start quiz.service
  fi
  [[ $TLS_MODE == caddy ]] && run systemctl reload-or-restart caddy.service
  if [[ $DRY_RUN == 1 ]]; then
    note "would wait up to 30 s for $url to answer 200"
    note "would print the admin URL https://$DOMAIN/admin/ and where the password lives ($ENV_FILE)"
    return 0
  fi
  wait_healthy "$url" || start_failed quiz.service "$url"
  for course in $(course_names); do
    wait_healthy "http://127.0.0.1:$(course_port "$course")/healthz" || start_failed "quiz@$course.service" "the course $course"
  done
  local base="https://$DOMAIN"
  [[ $HTTPS_PORT != 443 ]] && base="$base:$HTTPS_PORT"
  say ""
  say "The quiz is running ($TLS_MODE mode)."
  say "  Admin console:  $base/admin/"
  say "  Password:       QUIZ_ADMIN_PASSWORD in $ENV_FILE (sudo grep QUIZ_ADMIN_PASSWORD $ENV_FILE)"
  say "  Students join:  $base/   (projector: $base/screen)"
  say "  Logs:           journalctl -u quiz -f"
  [[ -n $DB_BACKUP ]] && say "  Pre-upgrade database backup: $DB_BACKUP"
  if [[ $TLS_MODE == caddy ]]; then
    say "HTTPS needs $DOMAIN to point at this machine; Caddy fetches the certificate on the first request."
  fi
  return 0
}

stage_certificate() {
  stage "9/9 certificate" "the HTTPS certificate for $DOMAIN"
  if [[ $TLS_MODE == caddy ]]; then
    note "Caddy obtains and renews it itself (with QUIZ_TEST_TLS=1 from its own local CA)"
    return 0
  fi
  system_stage_skipped_in_root && return 0
  if [[ $TEST_TLS == 1 ]]; then
    note "QUIZ_TEST_TLS=1: keeping the self-signed certificate; certbot is not asked"
    return 0
  fi
  if [[ -d /etc/letsencrypt/live/$DOMAIN ]]; then
    note "unchanged: certbot holds a certificate for $DOMAIN; its timer (certbot.timer) renews it and the deploy hook reloads quiz"
    return 0
  fi
  local account=(--register-unsafely-without-email)
  [[ -n $ACME_EMAIL ]] && account=(--email "$ACME_EMAIL")
  # webroot: the running server answers the challenge from $ACME_WEBROOT on port 80, so
  # neither issuing nor renewing ever stops the quiz.
  run certbot certonly --non-interactive --agree-tos "${account[@]}" --webroot -w "$ACME_WEBROOT" \
    -d "$DOMAIN" --deploy-hook "$CERTBOT_HOOK" ||
    die "certbot could not get a certificate for $DOMAIN (does it resolve to this machine, is port $HTTP_PORT open?); the quiz keeps running with a self-signed one: re-run the script to retry"
  run systemctl enable --now certbot.timer
}

# ---------------------------------------------------------------------------- courses
course_port() {
  sed -n 's/^PORT=//p' "$(at "$COURSE_CONF_DIR/$1.env")" | head -n 1
}

# Every check before the first change: a bad name, a duplicate or a missing base install
# leaves the box exactly as it was.
check_new_course() {
  local name="$1"
  [[ $name =~ $COURSE_NAME_RULE ]] ||
    die "course name '$name' is not allowed: use 1-32 lowercase letters, digits and inner hyphens (it becomes $name.DOMAIN, quiz@NAME.service and a file name), e.g. --course algebra-1"
  if [[ -f "$(at "$COURSE_CONF_DIR/$name.env")" ]]; then
    die "the course '$name' already exists (port $(course_port "$name"), $COURSE_CONF_DIR/$name.env): nothing changed. To upgrade every course re-run without --course"
  fi
  [[ -f "$(at "$UNIT_FILE")" ]] || die "install the quiz first (run the script without --course), then add courses"
  [[ $TLS_MODE == caddy ]] || die "courses need --tls caddy: in native mode the one server owns port 443"
}

next_course_port() {
  local port=$COURSE_PORT_BASE used
  used=" $(installed_courses | cut -d' ' -f2 | paste -sd' ') $APP_PORT "
  while [[ $used == *" $port "* ]]; do port=$((port + 1)); done
  printf '%s' "$port"
}

# Undo a course that did not come up: no half-added course stays behind.
remove_course() {
  local name="$1" caddy_before="$2"
  warn "removing the half-added course '$name'"
  systemctl disable --now "quiz@$name.service" >/dev/null 2>&1 || true
  rm -f "$COURSE_CONF_DIR/$name.env"
  rm -rf "${COURSE_DATA_DIR:?}/$name"
  printf '%s\n' "$caddy_before" >"$CADDYFILE"
  systemctl reload caddy.service >/dev/null 2>&1 || true
}

add_course() {
  local name="$COURSE" port password env_target caddy_before=""
  check_new_course "$name"
  port="$(next_course_port)"
  stage course "the course $name: quiz@$name.service on 127.0.0.1:$port, https://$name.$DOMAIN/"
  [[ -f "$(at "$CADDYFILE")" ]] && caddy_before="$(cat "$(at "$CADDYFILE")")"
  # The Caddyfile with the new site is validated before anything is written.
  local caddyfile
  caddyfile="$(render_caddyfile "$DOMAIN" "$name" "$port")"
  if [[ -z $ROOT && $DRY_RUN == 0 ]]; then
    local check
    check="$(mktemp)"
    printf '%s\n' "$caddyfile" >"$check"
    caddy validate --config "$check" --adapter caddyfile >/dev/null 2>&1 ||
      { caddy validate --config "$check" --adapter caddyfile || true; rm -f "$check"; die "the Caddyfile with $name.$DOMAIN does not validate (see above); nothing changed"; }
    rm -f "$check"
  fi
  password="${ADMIN_PASSWORD:-}"
  if [[ -z $password ]]; then
    password="$(random_secret)"
    password="${password:0:20}"
  fi
  [[ ${#password} -ge 8 ]] || die "the admin password must be at least 8 characters"
  [[ $password != *[\'\\]* && $password != *[[:cntrl:]]* ]] ||
    die "the admin password may not contain a quote ('), a backslash or control characters"
  env_target="$COURSE_CONF_DIR/$name.env"
  render_course_unit | write_file "$COURSE_UNIT_FILE" 644 "systemd template for courses"
  {
    printf '# Managed by deploy/bootstrap.sh: the course %s, written once, never overwritten.\n' "$name"
    printf 'PORT=%s\n' "$port"
    printf 'QUIZ_PUBLIC_URL=https://%s.%s%s\n' "$name" "$DOMAIN" "$([[ $HTTPS_PORT != 443 ]] && printf ':%s' "$HTTPS_PORT")"
    printf "QUIZ_ADMIN_PASSWORD='%s'\n" "$password"
    printf "QUIZ_SECRET_KEY='%s'\n" "$(random_secret)"
  } | (umask 077 && write_file "$env_target" 600 "the course's port and secrets")
  if [[ -n $ROOT ]]; then
    mkdir -p "$(at "$COURSE_DATA_DIR/$name")"
    printf '%s\n' "$caddyfile" | write_file "$CADDYFILE" 644 "Caddy: https://$name.$DOMAIN → 127.0.0.1:$port"
    return 0
  fi
  if [[ $DRY_RUN == 1 ]]; then
    note "would create $COURSE_DATA_DIR/$name, add $name.$DOMAIN to the Caddyfile, start quiz@$name.service"
    return 0
  fi
  run install -d -m 0750 -o "$APP_USER" -g "$APP_USER" "$COURSE_DATA_DIR" "$COURSE_DATA_DIR/$name"
  printf '%s\n' "$caddyfile" | write_file "$CADDYFILE" 644 "Caddy: https://$name.$DOMAIN → 127.0.0.1:$port"
  run systemctl daemon-reload
  if ! run systemctl enable --now --quiet "quiz@$name.service" || ! wait_healthy "http://127.0.0.1:$port/healthz"; then
    journalctl -u "quiz@$name.service" -n 20 --no-pager 2>/dev/null || true
    remove_course "$name" "$caddy_before"
    die "the course $name did not start (log above); it was removed again"
  fi
  run systemctl reload caddy.service
  say ""
  say "The course $name is running."
  say "  Admin console:  https://$name.$DOMAIN/admin/   (DNS: $name.$DOMAIN must point here too)"
  say "  Password:       sudo grep QUIZ_ADMIN_PASSWORD $env_target"
  say "  Logs:           journalctl -u quiz@$name -f"
}

# ---------------------------------------------------------------------------- main
usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]:-/dev/null}" 2>/dev/null | sed '$d' | sed 's/^# \{0,1\}//' ||
    true
}

main() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --dry-run) DRY_RUN=1 ;;
      --domain)
        [[ $# -ge 2 ]] || die "--domain needs a name"
        DOMAIN="$2"
        shift
        ;;
      --tls)
        [[ $# -ge 2 ]] || die "--tls needs caddy or native"
        TLS_MODE="$2"
        [[ $TLS_MODE == caddy || $TLS_MODE == native ]] || die "--tls must be caddy or native, not '$TLS_MODE'"
        shift
        ;;
      --course)
        [[ $# -ge 2 ]] || die "--course needs a name, e.g. --course algebra-1"
        [[ $COURSE_GIVEN == 0 ]] || die "one --course at a time"
        COURSE="$2"
        COURSE_GIVEN=1
        shift
        ;;
      --stages)
        [[ $# -ge 2 ]] || die "--stages needs a list, e.g. swap,secrets"
        SELECTED_STAGES="$2"
        shift
        ;;
      --root)
        [[ $# -ge 2 ]] || die "--root needs a directory"
        ROOT="$2"
        shift
        ;;
      --print-unit)
        if [[ $# -ge 2 && $2 != -* ]]; then DOMAIN="$2"; fi
        valid_domain "${DOMAIN:-quiz.example.org}" || die "not a DNS name: $DOMAIN"
        render_unit "${DOMAIN:-quiz.example.org}" "${TLS_MODE:-caddy}"
        return 0
        ;;
      --print-course-unit)
        render_course_unit
        return 0
        ;;
      --print-caddyfile)
        if [[ $# -ge 2 && $2 != -* ]]; then DOMAIN="$2"; fi
        [[ -n $DOMAIN ]] || die "--print-caddyfile needs a domain"
        valid_domain "$DOMAIN" || die "not a DNS name: $DOMAIN"
        render_caddyfile "$DOMAIN"
        return 0
        ;;
      -h | --help)
        usage
        return 0
        ;;
      *) die "unknown option: $1 (see --help)" ;;
    esac
    shift
  done

  local name
  if [[ -n $SELECTED_STAGES ]]; then
    local selected
    IFS=',' read -ra selected <<<"$SELECTED_STAGES"
    for name in "${selected[@]}"; do
      [[ " ${ALL_STAGES[*]} " == *" $name "* ]] || die "unknown stage '$name' (stages: ${ALL_STAGES[*]})"
    done
  fi
  if [[ -n $ROOT ]]; then
    [[ $ROOT == /* ]] || die "--root needs an absolute path"
    [[ $ROOT != / ]] || die "--root / is a real install: leave --root out"
    ROOT="${ROOT%/}"
  fi
  [[ $TEST_TLS == 0 || $TEST_TLS == 1 ]] || die "QUIZ_TEST_TLS must be 0 or 1"
  # A course name is checked before anything else, even before the machine is.
  if [[ $COURSE_GIVEN == 1 && ! $COURSE =~ $COURSE_NAME_RULE ]]; then check_new_course "$COURSE"; fi

  say "Live quiz bootstrap$([[ $DRY_RUN == 1 ]] && printf ' (dry run: nothing is changed)')"
  preflight
  resolve_mode
  if [[ $COURSE_GIVEN == 1 ]]; then
    resolve_domain
    add_course
    say ""
    say "Done."
    return 0
  fi
  if stage_selected service || stage_selected start || stage_selected certificate; then resolve_domain; fi
  for name in "${ALL_STAGES[@]}"; do
    if stage_selected "$name"; then
      "stage_$name"
    fi
  done
  say ""
  if [[ $DRY_RUN == 1 ]]; then
    say "Dry run complete: nothing was changed."
  else
    say "Done."
  fi
}

# The last line: under `curl | bash` nothing runs until the whole script has arrived.
main "$@"
