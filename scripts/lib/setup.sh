# Shared set-up for scripts/test, scripts/demo and scripts/bench: installs the Debian packages
# the project needs (only those missing) and checks the Swift toolchain. Sourced, not run.

GATEHOUSE_APT_PACKAGES=(
    pkg-config libsqlite3-dev zlib1g-dev libpng-dev
    libnfc-dev libzbar-dev libgpiod-dev libmosquitto-dev libqrencode-dev
    mosquitto mosquitto-clients openssl python3 python3-cryptography python3-venv time faketime
)

# The Python test peers from PyPI, pinned, in a virtualenv of the project's own (ignored by git).
GATEHOUSE_PYPI_PACKAGES=(libosdp==3.2.9)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
    local missing=()
    for package in "${GATEHOUSE_APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    # The interop tests run python3 from PATH, which may not be Debian's (pyenv, say).
    if ! python3 -c 'import cryptography' 2>/dev/null; then
        echo "setup: installing the cryptography package for $(command -v python3)"
        python3 -m pip install --quiet cryptography
    fi
}

check_swift() {
    if ! command -v swift >/dev/null; then
        echo "setup: no swift on PATH; install the Swift 6 toolchain (swift.org) first" >&2
        exit 2
    fi
}

# .venv-test: libosdp's peripheral device, the OSDP tests' reader.
install_python_peers() {
    if ! .venv-test/bin/python -c 'import osdp' 2>/dev/null; then
        echo "setup: making .venv-test with ${GATEHOUSE_PYPI_PACKAGES[*]}"
        rm -rf .venv-test
        python3 -m venv .venv-test
        .venv-test/bin/pip install --quiet "${GATEHOUSE_PYPI_PACKAGES[@]}"
    fi
}

setup_gatehouse() {
    check_swift
    install_debian_packages
    install_python_peers
}
