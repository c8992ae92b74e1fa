#!/usr/bin/env bash
# Makes Accord-VERSION.dmg from Accord.app: the app beside a link to /Applications, so that
# installing is a drag. installer/build.py runs it on macOS:
#   bash installer/macos/make-dmg.sh dist/Accord.app dist/Accord-0.1.0.dmg
#
# Signing and notarisation run only when their identity is in the environment:
#   ACCORD_CODESIGN_IDENTITY  "Developer ID Application: NAME (TEAMID)", in the keychain. The
#                             .app is signed by PyInstaller (installer/accord.spec reads the
#                             same variable; hardened runtime, installer/macos/entitlements.plist);
#                             this script checks it and signs the disk image.
#   ACCORD_NOTARY_PROFILE     a profile saved with `xcrun notarytool store-credentials`, or
#   ACCORD_NOTARY_APPLE_ID, ACCORD_NOTARY_TEAM_ID, ACCORD_NOTARY_PASSWORD (app-specific).
# Notarised images get the ticket stapled, so Gatekeeper accepts them offline.
set -euo pipefail

app=${1:?usage: make-dmg.sh path/to/Accord.app path/to/Accord-VERSION.dmg}
dmg=${2:?usage: make-dmg.sh path/to/Accord.app path/to/Accord-VERSION.dmg}
name=$(basename "$app" .app)
identity=${ACCORD_CODESIGN_IDENTITY:-}

if [ -n "$identity" ]; then
  codesign --verify --deep --strict --verbose=2 "$app"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
ditto "$app" "$stage/$name.app"  # keeps the symlinks and signatures PyInstaller made
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
# hdiutil now and then fails with "Resource busy" on build machines: try again.
for attempt in 1 2 3; do
  if hdiutil create -volname "$name" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"; then
    break
  fi
  [ "$attempt" = 3 ] && exit 1
  sleep 5
done
hdiutil verify "$dmg"

if [ -z "$identity" ]; then
  echo "make-dmg: $dmg is unsigned (set ACCORD_CODESIGN_IDENTITY to sign and notarise)"
  exit 0
fi
codesign --sign "$identity" --timestamp "$dmg"

if [ -n "${ACCORD_NOTARY_PROFILE:-}" ]; then
  auth=(--keychain-profile "$ACCORD_NOTARY_PROFILE")
elif [ -n "${ACCORD_NOTARY_APPLE_ID:-}" ]; then
  auth=(--apple-id "$ACCORD_NOTARY_APPLE_ID" --team-id "${ACCORD_NOTARY_TEAM_ID:?}"
        --password "${ACCORD_NOTARY_PASSWORD:?}")
else
  echo "make-dmg: $dmg is signed but not notarised (no ACCORD_NOTARY_PROFILE or ACCORD_NOTARY_APPLE_ID)"
  exit 0
fi
result=$(xcrun notarytool submit "$dmg" "${auth[@]}" --wait --output-format json)
echo "$result"
if ! grep -Eq '"status" *: *"Accepted"' <<<"$result"; then
  echo "make-dmg: notarisation was not accepted; see: xcrun notarytool log <id> ${auth[*]:0:2}" >&2
  exit 1
fi
xcrun stapler staple "$dmg"
spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
echo "make-dmg: $dmg is signed, notarised and stapled"
