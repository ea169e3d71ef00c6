# `cpack -G DEB` builds a package with the runtime dependencies dpkg-shlibdeps finds and the
# files at the installed paths. Environment: BUILD_DIR.
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
: "${BUILD_DIR:?BUILD_DIR must point at the build directory}"
out=$(mktemp -d -t dlqcat-deb.XXXXXX)
trap 'rm -rf "$out"' EXIT

cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$out" >"$out/cpack.log" 2>&1 \
  || { cat "$out/cpack.log" >&2; fail "cpack -G DEB failed"; finish; }
deb=$(find "$out" -maxdepth 1 -name 'dlqcat_*.deb' | head -n 1)
[ -n "$deb" ] || { fail "cpack wrote no dlqcat_*.deb"; finish; }

depends=$(dpkg-deb -f "$deb" Depends)
for package in librdkafka1 libpqxx-6.4 libcurl4 libfmt9 libc6; do
  [[ ", $depends" == *", $package "* || ", $depends," == *", $package,"* ]] || fail "Depends lacks $package: $depends"
done
contents=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for path in ./usr/bin/dlqcat ./usr/share/man/man1/dlqcat.1 ./usr/share/man/man1/dlqcat-replay.1 \
  ./usr/share/bash-completion/completions/dlqcat ./usr/share/zsh/vendor-completions/_dlqcat \
  ./usr/share/fish/vendor_completions.d/dlqcat.fish; do
  grep -qxF -- "$path" <<<"$contents" || fail "package lacks $path"
done
finish
