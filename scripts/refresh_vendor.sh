#!/usr/bin/env bash
# Refreshes the built third-party front-end assets in static/vendor/ from the npm registry.
# Needs npm; a machine without Node runs the app from the committed copies.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch() {  # package version
  (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null)
  local tgz
  tgz=$(ls "$tmp"/*.tgz)
  mkdir -p "$tmp/$1" && tar -xzf "$tgz" -C "$tmp/$1" && rm "$tgz"
}

HTMX=2.0.8
DS_CSS=1.11.0

fetch htmx.org "$HTMX"
mkdir -p "$dest/htmx"
cp "$tmp/htmx.org/package/dist/htmx.min.js" "$dest/htmx/"
cp "$tmp/htmx.org/package/LICENSE" "$dest/htmx/LICENSE"

fetch @digdir/designsystemet-css "$DS_CSS"
mkdir -p "$dest/designsystemet"
cp "$tmp/@digdir/designsystemet-css/package/dist/src/index.css" "$dest/designsystemet/designsystemet.css"
cp "$tmp/@digdir/designsystemet-css/package/dist/theme/designsystemet.css" "$dest/designsystemet/theme.css"
cp "$tmp/@digdir/designsystemet-css/package/LICENSE"* "$dest/designsystemet/LICENSE" 2>/dev/null || true


cat > "$dest/VERSIONS.md" <<EOT
# Vendored front-end assets

Refreshed by \`scripts/refresh_vendor.sh\` from the npm registry. Do not edit by hand.

| package | version | licence | files |
| --- | --- | --- | --- |
| htmx.org | $HTMX | 0BSD | htmx/htmx.min.js |
| @digdir/designsystemet-css | $DS_CSS | MIT | designsystemet/designsystemet.css |
| (same package) | $DS_CSS | MIT | designsystemet/theme.css (default theme) |
EOT
echo "vendor assets refreshed in $dest"
