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
#   --stages a,b,…         run only these stages (swap packages user app secrets pool service start)
#   --root DIR             write the configuration files under DIR instead of / and run no
#                          system commands (a scratch root for tests and reviews)
#   --print-unit [DOMAIN]  print the systemd unit this script installs, then exit
#   --print-caddyfile DOMAIN  print the Caddyfile this script installs, then exit
#   -h, --help
#
# Environment: DOMAIN, REPO_URL, REPO_REF (branch or tag), ADMIN_PASSWORD, ACME_EMAIL,
# ROOT (same as --root), BUN_BIN (path of bun in the unit; default /usr/local/bin/bun),
# QUIZ_OS_RELEASE (the os-release file to check; tests only).
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
CADDYFILE="/etc/caddy/Caddyfile"
SYSCTL_FILE="/etc/sysctl.d/60-quiz-swap.conf"
SSHD_DROPIN="/etc/ssh/sshd_config.d/60-quiz-deny.conf"
SWAP_FILE="/swapfile"
SWAP_SIZE="2G"
FSTAB_LINE="$SWAP_FILE none swap sw 0 0"
PORT="8001"
HEALTH_URL="http://127.0.0.1:$PORT/healthz"
APT_PACKAGES=(caddy git curl unzip sqlite3 ca-certificates nodejs npm)
ALL_STAGES=(swap packages user app secrets pool service start)

DRY_RUN=0
ROOT="${ROOT:-}"
DOMAIN="${DOMAIN:-}"
REPO_URL="${REPO_URL:-}"
REPO_REF="${REPO_REF:-}"
ACME_EMAIL="${ACME_EMAIL:-}"
BUN_BIN="${BUN_BIN:-/usr/local/bin/bun}"
OS_RELEASE="${QUIZ_OS_RELEASE:-/etc/os-release}"   # tests point this at a fake file
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
render_unit() {
  local domain="$1"
  cat <<EOF
# Managed by deploy/bootstrap.sh: re-running it rewrites this file.
# Secrets live in $ENV_FILE (read by systemd as root before it drops to User=).
[Unit]
Description=Live quiz server
Documentation=file://$APP_DIR/deploy/README.md
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=$APP_USER
Group=$APP_USER
WorkingDirectory=$APP_DIR
Environment=NODE_ENV=production
Environment=PORT=$PORT
Environment=HOST=127.0.0.1
Environment=QUIZ_DB_PATH=$DB_PATH
Environment=QUIZ_TRUST_PROXY=1
Environment=QUIZ_PUBLIC_URL=https://$domain
EnvironmentFile=$ENV_FILE
ExecStart=$BUN_BIN src/main.ts
Restart=always
RestartSec=2
TimeoutStopSec=15
LimitNOFILE=65536

# Hardening (deploy/README.md explains each line).
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=$DATA_DIR
PrivateTmp=yes
ProtectHome=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
CapabilityBoundingSet=

[Install]
WantedBy=multi-user.target
EOF
}

render_caddyfile() {
  local domain="$1"
  echo "# Managed by deploy/bootstrap.sh: re-running it rewrites this file."
  if [[ -n $ACME_EMAIL ]]; then
    printf '{\n\temail %s\n}\n\n' "$ACME_EMAIL"
  fi
  cat <<EOF
# Automatic HTTPS for $domain (Let's Encrypt); plain HTTP redirects to HTTPS.
# reverse_proxy passes WebSocket upgrades through and sets X-Forwarded-For, which the
# server trusts because the unit sets QUIZ_TRUST_PROXY=1.
$domain {
	encode zstd gzip
	reverse_proxy 127.0.0.1:$PORT
}
EOF
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
  [[ -f $unit ]] && sed -n 's|^Environment=QUIZ_PUBLIC_URL=https://||p' "$unit" | head -n 1
  return 0
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
  stage "1/8 swap" "$SWAP_SIZE swap file $SWAP_FILE and vm.swappiness=10 (a 1 GB box would be OOM-killed when the class connects)"
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
  stage "2/8 packages" "Caddy, git, curl, unzip, sqlite3, Node/npm from Ubuntu; Bun $BUN_VERSION from npm"
  system_stage_skipped_in_root && return 0
  local missing=() package
  for package in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    note "unchanged: ${APT_PACKAGES[*]} already installed"
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
  stage "3/8 user" "system user '$APP_USER' (no shell, no SSH) and $DATA_DIR"
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
  stage "4/8 app" "the app in $APP_DIR (built beside it, swapped in only once installed)"
  system_stage_skipped_in_root && return 0
  local clone staging="$APP_DIR.new"
  clone="$(clone_dir)"
  if [[ -d $APP_DIR ]]; then
    UPGRADE=1
    note "upgrade: $APP_DIR exists"
    if [[ -f $DB_PATH ]]; then
      DB_BACKUP="$BACKUP_DIR/quiz-before-upgrade-$(date -u +%Y%m%dT%H%M%SZ).db"
      run install -d -m 0750 -o "$APP_USER" -g "$APP_USER" "$BACKUP_DIR"
      # As the service user, so that SQLite's -wal/-shm files never become root's.
      run runuser -u "$APP_USER" -- sqlite3 "$DB_PATH" ".backup '$DB_BACKUP'"
    else
      note "no database yet at $DB_PATH: nothing to back up"
    fi
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
  stage "5/8 secrets" "QUIZ_SECRET_KEY and QUIZ_ADMIN_PASSWORD in $ENV_FILE (mode 0600, generated once)"
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
  stage "6/8 pool" "the demo pool on a fresh install"
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

stage_service() {
  stage "7/8 service" "systemd unit $UNIT_FILE and Caddyfile for https://$DOMAIN"
  render_unit "$DOMAIN" | write_file "$UNIT_FILE" 644 "systemd unit"
  local caddyfile
  caddyfile="$(at "$CADDYFILE")"
  if [[ -f $caddyfile && ! -f $caddyfile.dist ]] && ! grep -q 'Managed by deploy/bootstrap.sh' "$caddyfile"; then
    if [[ $DRY_RUN == 1 ]]; then
      note "would keep the packaged Caddyfile as $CADDYFILE.dist"
    else
      cp -p "$caddyfile" "$caddyfile.dist"
      note "kept the packaged Caddyfile as $CADDYFILE.dist"
    fi
  fi
  render_caddyfile "$DOMAIN" | write_file "$CADDYFILE" 644 "Caddy: HTTPS for $DOMAIN → 127.0.0.1:$PORT"
  if [[ -z $ROOT ]]; then
    if [[ $DRY_RUN == 1 ]] || caddy validate --config "$CADDYFILE" --adapter caddyfile >/dev/null 2>&1; then
      run caddy validate --config "$CADDYFILE" --adapter caddyfile
    else
      caddy validate --config "$CADDYFILE" --adapter caddyfile || true
      die "the Caddyfile does not validate (see above)"
    fi
    if command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null | grep -q '^Status: active'; then
      run ufw allow 80/tcp
      run ufw allow 443/tcp
    fi
    if ! getent hosts "$DOMAIN" >/dev/null 2>&1; then
      warn "$DOMAIN does not resolve yet: point its DNS A/AAAA record at this machine; Caddy keeps retrying the certificate"
    fi
  fi
}

stage_start() {
  stage "8/8 start" "start the service, then check $HEALTH_URL"
  system_stage_skipped_in_root && return 0
  run systemctl daemon-reload
  run systemctl enable --quiet quiz.service caddy.service
  if [[ $UPGRADE == 1 ]]; then
    run systemctl restart quiz.service
  else
    run systemctl start quiz.service
  fi
  run systemctl reload-or-restart caddy.service
  if [[ $DRY_RUN == 1 ]]; then
    note "would wait up to 30 s for $HEALTH_URL to answer 200"
    note "would print the admin URL https://$DOMAIN/admin/ and where the password lives ($ENV_FILE)"
    return 0
  fi
  local tries=0
  until curl -fsS --max-time 2 "$HEALTH_URL" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [[ $tries -ge 30 ]]; then
      say ""
      say "The quiz did not answer $HEALTH_URL within 30 s. Look at:"
      say "  journalctl -u quiz -n 50 --no-pager     (the server's log)"
      say "  systemctl status quiz"
      if [[ $UPGRADE == 1 ]]; then
        say "The previous version is in $APP_DIR.prev${DB_BACKUP:+; the database backup is $DB_BACKUP}."
        say "To roll back: systemctl stop quiz; rm -rf $APP_DIR; mv $APP_DIR.prev $APP_DIR; systemctl start quiz"
      fi
      journalctl -u quiz.service -n 20 --no-pager 2>/dev/null || true
      exit 1
    fi
    sleep 1
  done
  note "healthy: $(curl -fsS --max-time 2 "$HEALTH_URL")"
  say ""
  say "The quiz is running."
  say "  Admin console:  https://$DOMAIN/admin/"
  say "  Password:       QUIZ_ADMIN_PASSWORD in $ENV_FILE (sudo grep QUIZ_ADMIN_PASSWORD $ENV_FILE)"
  say "  Students join:  https://$DOMAIN/   (projector: https://$DOMAIN/screen)"
  say "  Logs:           journalctl -u quiz -f"
  [[ -n $DB_BACKUP ]] && say "  Pre-upgrade database backup: $DB_BACKUP"
  say "HTTPS needs $DOMAIN to point at this machine; Caddy fetches the certificate on the first request."
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
        render_unit "${DOMAIN:-quiz.example.org}"
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

  say "Live quiz bootstrap$([[ $DRY_RUN == 1 ]] && printf ' (dry run: nothing is changed)')"
  preflight
  if stage_selected service || stage_selected start; then resolve_domain; fi
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
