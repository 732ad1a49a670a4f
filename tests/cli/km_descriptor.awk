# SPDX-License-Identifier: GPL-3.0-or-later
# km_descriptor.awk - a study descriptor with a <km-curves> element made
# from one case of tests/reference/km/km.tsv (curves and numbers at risk
# drawn by make_km.R from simulated individual data), for tests/cli/derived.sh
# and the worked example of studies/README.md.
#   awk -v case=dense-200 [-v percent=1] -f km_descriptor.awk km.tsv
# percent=1 writes survival in per cent (scale="percent").
BEGIN { FS = "\t"; np[0] = np[1] = nr[0] = nr[1] = 0 }
$1 == case && $3 == "point" { pt[$2, np[$2]] = $4; ps[$2, np[$2]++] = $5 }
$1 == case && $3 == "risk" { rt[$2, nr[$2]] = $4; rn[$2, nr[$2]++] = $5 }
function arm(a, role,    k) {
    printf "      <arm role=\"%s\"%s>\n", role, percent ? " scale=\"percent\"" : ""
    for (k = 0; k < np[a]; k++)
        printf "        <point time=\"%s\" survival=\"%s\"/>\n", pt[a, k],
            percent ? sprintf("%.17g", ps[a, k] * 100) : ps[a, k]
    for (k = 0; k < nr[a]; k++)
        printf "        <at-risk time=\"%s\" n=\"%s\"/>\n", rt[a, k], rn[a, k]
    print "      </arm>"
}
END {
    if (!np[0] || !np[1]) { print "no case " case > "/dev/stderr"; exit 1 }
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    printf "<study id=\"km-%s\" format=\"1\">\n", case
    printf "  <title>Curves of simulated data (%s)</title>\n", case
    print "  <design>rct</design>"
    print "  <publication year=\"2026\">tests/reference/km/make_km.R</publication>"
    print "  <arms>"
    printf "    <arm role=\"experimental\" n=\"%s\">Experimental</arm>\n", rn[1, 0]
    printf "    <arm role=\"control\" n=\"%s\">Control</arm>\n", rn[0, 0]
    print "  </arms>"
    print "  <outcome name=\"OS\">"
    print "    <km-curves>"
    arm(1, "experimental")
    arm(0, "control")
    print "    </km-curves>"
    print "  </outcome>"
    print "</study>"
}
