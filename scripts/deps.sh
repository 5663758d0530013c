#!/bin/bash
# Installs fluxtrace's build and test dependencies, all from Debian 12.
set -euo pipefail
packages=(
    build-essential cmake pkg-config clang-format python3 util-linux bc xz-utils jq
    libc6-dbg
    lttng-tools liblttng-ust-dev liblttng-ctl-dev
    babeltrace2 libbabeltrace2-dev
    libunwind-dev libxxhash-dev libdw-dev libelf-dev
    libcli11-dev libfmt-dev nlohmann-json3-dev libjansson-dev libmimalloc-dev libabsl-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    chromium chromium-driver python3-selenium # the HTML report in a real browser
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
fi
