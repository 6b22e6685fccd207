#!/usr/bin/env bash
# Create (once) the NSS certificate DB that QEMU's
# ccid-card-emulated,backend=certificates needs: a CA and three certificates
# named id-cert, signing-cert and encryption-cert
# (reference/ccid-qemu-pcsc.md 1.11: explicit -m serials, -z noise file,
# --empty-password). Prints the DB directory on stdout.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

db=${SCARD_NSSDB:-$SCARD_CACHE/nssdb}
stamp=$db/.scard-nssdb-done

if [ -f "$stamp" ]; then
	echo "$db"
	exit 0
fi

command -v certutil >/dev/null || die "certutil missing (package libnss3-tools)"
say "creating NSS DB for the emulated card in $db"
tmp=$db.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
noise=$tmp/noise
head -c 2048 /dev/urandom >"$noise"

certutil -N -d "sql:$tmp" --empty-password
certutil -S -d "sql:$tmp" -s "CN=Fake Smart Card CA" -x -t TC,TC,TC \
	-n fake-smartcard-ca -m 1 -z "$noise" </dev/null >/dev/null
certutil -S -d "sql:$tmp" -t ,, -s "CN=John Doe" -n id-cert \
	-c fake-smartcard-ca -m 2 -z "$noise" </dev/null >/dev/null
certutil -S -d "sql:$tmp" -t ,, -s "CN=John Doe (signing)" --nsCertType smime \
	-n signing-cert -c fake-smartcard-ca -m 3 -z "$noise" </dev/null >/dev/null
certutil -S -d "sql:$tmp" -t ,, -s "CN=John Doe (encryption)" --nsCertType sslClient \
	-n encryption-cert -c fake-smartcard-ca -m 4 -z "$noise" </dev/null >/dev/null
rm -f "$noise"

for n in fake-smartcard-ca id-cert signing-cert encryption-cert; do
	certutil -L -d "sql:$tmp" -n "$n" >/dev/null || die "certificate $n missing from NSS DB"
done
touch "$tmp/.scard-nssdb-done"
rm -rf "$db"
mv "$tmp" "$db"
echo "$db"
