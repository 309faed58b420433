#!/bin/sh
# Builds target/vigil_<version>_all.deb from the fast-jar in target/quarkus-app (run `./mvnw package` first).
set -eu
top=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)
cd "$top"
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "build-deb: target/quarkus-app is missing: run ./mvnw -B package first" >&2; exit 1; }
[ -f target/docs/man/vigil.8 ] || { echo "build-deb: target/docs (man pages, completion) is missing: run ./mvnw -B package first" >&2; exit 1; }
version=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1)
root=target/deb/root
rm -rf target/deb
mkdir -p "$root/DEBIAN" "$root/usr/lib/vigil/bin" "$root/usr/bin" "$root/usr/sbin" "$root/usr/share/heartbeat" \
        "$root/usr/libexec/heartbeat" "$root/lib/systemd/system" "$root/usr/share/doc/vigil" "$root/usr/share/man/man8" \
        "$root/usr/share/man/man5" "$root/usr/share/bash-completion/completions" "$root/usr/share/vigil"

cp -a target/quarkus-app "$root/usr/lib/vigil/quarkus-app"
cp -a resource.d "$root/usr/lib/vigil/resource.d"
for cmd in vigil vigil-client cl_status hb_standby heartbeat vigil-release-addresses; do
    install -m 0755 "deploy/bin/$cmd" "$root/usr/lib/vigil/bin/$cmd"
done
ln -s hb_standby "$root/usr/lib/vigil/bin/hb_takeover"   # one script; the name it is called by picks the action
ln -s ../lib/vigil/bin/vigil "$root/usr/bin/vigil"
# Heartbeat's commands where Heartbeat 3.0.6 (Debian) installs them, so monitoring and scripts keep their paths: the
# package replaces heartbeat (Conflicts/Replaces), which `apt` removes while the user's /etc/ha.d stays.
ln -s ../lib/vigil/bin/cl_status "$root/usr/bin/cl_status"
for cmd in hb_standby hb_takeover; do
    ln -s ../../lib/vigil/bin/$cmd "$root/usr/share/heartbeat/$cmd"
    ln -s ../lib/vigil/bin/$cmd "$root/usr/sbin/$cmd"        # also on root's PATH
done
ln -s ../../lib/vigil/bin/heartbeat "$root/usr/libexec/heartbeat/heartbeat"
install -m 0644 deploy/systemd/vigil.service "$root/lib/systemd/system/vigil.service"
cp -a deploy/examples "$root/usr/share/doc/vigil/examples"
cp -a deploy/monitoring "$root/usr/share/doc/vigil/monitoring"
# Man pages: vigil(8) and one per sub-command, generated from the picocli model at build time (target/docs), and the
# hand-written pages of the Heartbeat commands and files. ha.cf and authkeys are section 5vigil: the heartbeat package
# owns ha.cf.5 and authkeys.5, and both packages must install side by side during a migration.
for page in target/docs/man/*.8 deploy/man/*.8; do gzip -9n < "$page" > "$root/usr/share/man/man8/$(basename "$page").gz"; done
for page in deploy/man/*.5 deploy/man/*.5vigil; do gzip -9n < "$page" > "$root/usr/share/man/man5/$(basename "$page").gz"; done
install -m 0644 target/docs/completion/vigil "$root/usr/share/bash-completion/completions/vigil"
install -m 0644 deploy/completion/cl_status deploy/completion/hb_standby "$root/usr/share/bash-completion/completions/"
ln -s hb_standby "$root/usr/share/bash-completion/completions/hb_takeover"
# logrotate: postinst installs it as /etc/logrotate.d/vigil unless Heartbeat's rule for the same files is there.
install -m 0644 deploy/logrotate/vigil "$root/usr/share/vigil/logrotate"
cp README.md docs/*.md "$root/usr/share/doc/vigil/" 2>/dev/null || true
for f in postinst prerm postrm; do install -m 0755 "deploy/deb/$f" "$root/DEBIAN/$f"; done
install -m 0644 deploy/deb/triggers "$root/DEBIAN/triggers"

size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: vigil
Version: $version
Architecture: all
Maintainer: Vigil developers <vigil@example.org>
Installed-Size: $size
Depends: openjdk-17-jre-headless | java17-runtime-headless | default-jre-headless (>= 2:1.17), iproute2, iputils-arping, curl, adduser
Recommends: resource-agents, ndisc6
Suggests: cluster-glue
Conflicts: heartbeat
Replaces: heartbeat
Section: admin
Priority: optional
Homepage: https://example.org/vigil
Description: high-availability failover daemon, Heartbeat compatible
 Vigil reads Linux-HA Heartbeat's ha.cf, authkeys and haresources unchanged,
 speaks Heartbeat 3.0.6's wire protocol, and moves a virtual IP and LSB
 resource scripts to the surviving node when a node dies.
CONTROL
dpkg-deb --root-owner-group --build "$root" "target/vigil_${version}_all.deb" >/dev/null
echo "target/vigil_${version}_all.deb"
