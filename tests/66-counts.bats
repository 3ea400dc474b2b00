#!/usr/bin/env bats
# Counting what a client has left, in date order, on the documents the client receives:
# the invoice's renewal note, the statement's "session N of M", beyond-package marks and
# credit notes, and the agreement's seven parts.
load helper

# A package of 3 bought on 11-01, written after a session it pays for; a workbook to invoice.
pkg3() {
	journal "${1:-pkg.journal}" <<'J'
2026-11-20 Session
    ; client: ana
    ; session: held
    ; time: 10:00

2026-11-01 Package
    ; client: ana
    ; email: ana@example.org
    ; package: 3
    ; rate: 50 EUR
    Assets:Bank  120 EUR
    Liabilities:Prepaid:ana

2026-11-05 Session
    ; client: ana
    ; session: held
    ; time: 10:00

2026-11-10 Workbook
    ; client: ana
    Assets:Unbilled:ana  15 EUR
    Income:Materials
J
}

session() {  # session DATE: one more held session of ana
	printf '\n%s Session\n    ; client: ana\n    ; session: held\n    ; time: 10:00\n' "$1"
}

@test "invoice: 1 package session left on the invoice's date: the renewal note, every format" {
	need pdftotext python3
	f=$(pkg3)
	tally-bill "$f" | tally-invoice -p 2026-11 > "$f.inv"
	run -0 tally-invoice --show 2026-0001 "$f.inv"
	assert_output --partial "Payment is due within 14 days of the invoice date, by 2026-12-15.

One prepaid session is left: let us talk about renewing your package at your
next session."
	while IFS= read -r line; do
		[ "${#line}" -le 80 ] || fail "longer than 80 columns: $line"
	done <<< "$output"
	run -0 tally-invoice --show 2026-0001 -O md "$f.inv"
	assert_output --partial "One prepaid session is left: let us talk about renewing your package at your next session."
	run -0 tally-invoice --show 2026-0001 -O html --lang es "$f.inv"
	assert_line '<p class="renewal">Le queda una sesión prepagada: hablemos de renovar el paquete en la próxima sesión.</p>'
	run -0 tally-invoice --show 2026-0001 -O txt --lang he "$f.inv"
	assert_line "נותר מפגש אחד ששולם מראש: נשוחח על חידוש החבילה במפגש הבא."
	tally-invoice --show 2026-0001 -O pdf "$f.inv" > "$(scratch)/i.pdf"
	run -0 pdftotext "$(scratch)/i.pdf" -
	assert_line "One prepaid session is left: let us talk about renewing your package at your"
	# standard input is read twice (the book's pass, then the invoice's)
	printf 'name = Tutor\nemail = tutor@example.org\n' > "$(scratch)/tally.conf"
	run -0 tally-invoice --show 2026-0001 -O eml --conf "$(scratch)/tally.conf" < "$f.inv"
	printf '%s\n' "$output" | sed 1d > "$(scratch)/m.eml"
	run -0 python3 - "$(scratch)/m.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
for part in m.walk():
    if part.get_content_type() in ('text/plain', 'text/html'):
        print(part.get_content_type(), 'renew' in part.get_content())
PY
	assert_output "text/plain True
text/html True"
}

@test "invoice: the note counts in date order: the shuffled journal gives the same note" {
	f=$(pkg3)
	tally-bill "$f" | tally-invoice -p 2026-11 > "$f.inv"
	tally-invoice --show 2026-0001 "$f.inv" > "$(scratch)/want"
	grep -q 'One prepaid session is left' "$(scratch)/want"
	for seed in 1 2 3 4; do
		shuffle-entries "$seed" "$f.inv" > "$(scratch)/s$seed.journal"
		run -0 tally-invoice --show 2026-0001 "$(scratch)/s$seed.journal"
		assert_output "$(cat "$(scratch)/want")"
	done
}

@test "invoice: 0 left says the package is used up; 2 left, or no package, no note" {
	f=$(pkg3)
	session 2026-11-25 >> "$f"
	tally-bill "$f" | tally-invoice -p 2026-11 > "$f.inv"
	run -0 tally-invoice --show 2026-0001 "$f.inv"
	assert_output --partial "Your prepaid package is used up: sessions from now on are billed at your rate
unless you renew it."
	run -0 tally-invoice --show 2026-0001 --lang es -O md "$f.inv"
	assert_output --partial "Su paquete prepagado se ha agotado"
	# 2 left: the 11-20 session is moved after the invoice's date
	f=$(pkg3 two.journal)
	sed -i 's/^2026-11-20 Session/2026-12-20 Session/' "$f"
	tally-bill "$f" | tally-invoice -p 2026-11 > "$f.inv"
	run -0 tally-invoice --show 2026-0001 "$f.inv"
	refute_output --partial "prepaid"
	refute_output --partial "renew"
	run -0 tally-invoice --show 2026-0001 -O html "$f.inv"
	refute_output --partial "renewal"
	# no package at all
	f=$(journal none.journal <<'J'
2026-11-10 Workbook
    ; client: ana
    Assets:Unbilled:ana  15 EUR
    Income:Materials
J
)
	tally-invoice -p 2026-11 "$f" > "$f.inv"
	run -0 tally-invoice --show 2026-0001 "$f.inv"
	refute_output --partial "renew"
}
