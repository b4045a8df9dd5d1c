#!/usr/bin/env bash
# make_test_certs.sh DIR: a test CA, a server certificate for 127.0.0.1/localhost and a client
# certificate signed by it, plus a second CA with a client certificate the first CA did not sign.
set -euo pipefail
d=$1
mkdir -p "$d"
cd "$d"
gen_ca() {  # name
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" -keyout "$1.key" -out "$1.pem" 2>/dev/null
}
gen_cert() {  # name ca san
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf 'subjectAltName=%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
gen_ca ca
gen_ca other-ca
gen_cert server ca "IP:127.0.0.1,DNS:localhost"
gen_cert client ca "DNS:intake.dienhinh.local"
gen_cert stranger other-ca "DNS:stranger.example"
