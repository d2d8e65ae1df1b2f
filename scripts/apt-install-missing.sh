# Sourced by the install scripts: apt_install_missing WHO PACKAGE... installs
# the packages that are not installed yet (one dpkg query each; apt-get only
# when something is missing), non-interactively, with sudo when not root.
apt_install_missing() {
  local who=$1
  shift
  local missing=() p want native
  native=$(dpkg --print-architecture)
  for p in "$@"; do
    # "name" means the native build (or an Architecture: all package),
    # "name:arch" that architecture's: with multiarch both may be installed.
    want=$native
    [[ $p == *:* ]] && want=${p#*:}
    dpkg-query -W -f='${Status} ${Architecture}\n' "${p%%:*}" 2>/dev/null |
      grep -Eq "^install ok installed ($want|all)\$" || missing+=("$p")
  done
  ((${#missing[@]} > 0)) || return 0
  echo "$who: installing ${missing[*]}" >&2
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
