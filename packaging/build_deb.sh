#!/usr/bin/env bash
# Pack the PyInstaller bundle dist/classdesk/ into dist/classdesk_<version>_<arch>.deb.
#
#   packaging/build_deb.sh            # after pyinstaller (make dist runs both, then lintian)
#
# Standard Debian tools only: the tree is laid out as dh would (build/deb/debian/classdesk
# with DEBIAN/control), Depends comes from dpkg-shlibdeps over every ELF file in the
# bundle (the libraries the bundle leaves to the system: X11/xcb, fontconfig, GLib, D-Bus,
# libc ...), and dpkg-deb --root-owner-group builds it; no fakeroot, no debhelper.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
python="${PYTHON:-.venv/bin/python}"
bundle=dist/classdesk
here=packaging/debian

say() { printf '%s\n' "$*" >&2; }

if [ ! -x "$bundle/classdesk" ]; then
    say "错误：没有 $bundle/classdesk，请先运行 make dist。/ error: no $bundle/classdesk; run make dist."
    exit 1
fi
for tool in dpkg-deb dpkg-shlibdeps dpkg-architecture; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        say "错误：找不到 $tool，请安装：sudo apt-get install -y dpkg-dev / error: $tool missing (apt-get install dpkg-dev)"
        exit 1
    fi
done

version="$("$python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
changelog_version="$(sed -n '1s/^classdesk (\([^)]*\)).*/\1/p' "$here/changelog")"
if [ "$version" != "$changelog_version" ]; then
    say "错误：pyproject.toml 的版本 $version 与 packaging/debian/changelog 的 $changelog_version 不一致。"
    say "error: version $version in pyproject.toml but $changelog_version in packaging/debian/changelog."
    exit 1
fi
arch="$(dpkg --print-architecture)"

work=build/deb
pkg="$work/debian/classdesk"
rm -rf "$work"
mkdir -p "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
    "$pkg/usr/share/doc/classdesk" "$pkg/usr/share/man/man1" "$pkg/usr/share/lintian/overrides"

cp -a "$bundle" "$pkg/opt/classdesk"
# The bootloader finds _internal/ from the real path of the executable, so a symlink works.
ln -s /opt/classdesk/classdesk "$pkg/usr/bin/classdesk"

install -m 0644 "$here/classdesk.desktop" "$pkg/usr/share/applications/classdesk.desktop"
for size in 16 24 32 48 64 128 256; do
    dir="$pkg/usr/share/icons/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    install -m 0644 "resources/icons/classdesk-$size.png" "$dir/classdesk.png"
done
mkdir -p "$pkg/usr/share/icons/hicolor/scalable/apps"
install -m 0644 resources/icons/classdesk.svg "$pkg/usr/share/icons/hicolor/scalable/apps/classdesk.svg"

install -m 0644 "$here/copyright" "$pkg/usr/share/doc/classdesk/copyright"
# A native package (the version has no Debian revision): changelog.gz, not changelog.Debian.gz.
gzip -9n < "$here/changelog" > "$pkg/usr/share/doc/classdesk/changelog.gz"
gzip -9n < "$here/classdesk.1" > "$pkg/usr/share/man/man1/classdesk.1.gz"
install -m 0644 "$here/lintian-overrides" "$pkg/usr/share/lintian/overrides/classdesk"

# Modes as Debian expects them: directories and programs 0755, everything else (shared
# libraries included) 0644. The only program is the bundle's executable.
find "$pkg" -path "$pkg/DEBIAN" -prune -o -type d -exec chmod 0755 {} +
find "$pkg" -path "$pkg/DEBIAN" -prune -o -type f -exec chmod 0644 {} +
chmod 0755 "$pkg/opt/classdesk/classdesk"

# ---------------------------------------------------------------- Depends
mapfile -t elves < <(find "$pkg/opt/classdesk" -type f \( -name '*.so*' -o -name classdesk \) \
    -exec sh -c 'head -c 4 "$1" | grep -q "ELF" && printf "%s\n" "$1"' _ {} \;)
mapfile -t private_dirs < <(printf '%s\n' "${elves[@]}" | xargs -n1 dirname | sort -u)
printf 'Source: classdesk\n\nPackage: classdesk\nArchitecture: %s\n' "$arch" > "$work/debian/control"
shlibdeps_args=(-O --ignore-missing-info)
for dir in "${private_dirs[@]}"; do shlibdeps_args+=("-l$(realpath "$dir")"); done
for elf in "${elves[@]}"; do shlibdeps_args+=("-e$(realpath "$elf")"); done
# Its warnings ("useless dependency", $ORIGIN in vendored wheels' RPATH) concern the
# wheels' own libraries, not the package: they go to a log, not the terminal.
depends="$(cd "$work" && dpkg-shlibdeps "${shlibdeps_args[@]}" 2>shlibdeps.log \
    | sed -n 's/^shlibs:Depends=//p')"
if [ -z "$depends" ]; then
    say "错误：dpkg-shlibdeps 没有给出依赖 / error: dpkg-shlibdeps found no dependencies:"
    cat "$work/shlibdeps.log" >&2
    exit 1
fi
for must in libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libxcb-shape0; do
    case "$depends" in
        *"$must"*) ;;
        *) say "错误：Depends 缺少 $must / error: Depends lacks $must: $depends"; exit 1 ;;
    esac
done

installed_size="$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
    -e "s/@DEPENDS@/$depends/" "$here/control.in" > "$pkg/DEBIAN/control"
chmod 0644 "$pkg/DEBIAN/control"
# What dh_md5sums writes: lets `dpkg --verify classdesk` spot a changed file.
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
    | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/md5sums"

out="dist/classdesk_${version}_${arch}.deb"
rm -f "$out"
# xz, not zstd: dpkg before 1.21.18 (UOS, Kylin, Debian 11) cannot read zstd members.
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out" >/dev/null
say "==> $out ($(du -h "$out" | cut -f1)); Depends: $depends"
