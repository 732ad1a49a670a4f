/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_template.c - the descriptor template; see mp_template.h. */
#include "mp_template.h"

#include "mp_text.h"

/* The id goes between the two halves. */
static const char head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- A study descriptor (metapool-study(5)).  Replace every @NAME@,\n"
    "     delete the optional elements you do not need, then check the file\n"
    "     with metapool's validate option (metapool(1)) -->\n"
    "<study id=\"";
static const char tail[] =
    "\" format=\"1\">\n"
    "  <!-- the label of the study in tables and plots -->\n"
    "  <title>@TITLE@</title>\n"
    "  <!-- rct, prospective-registry or retrospective -->\n"
    "  <design>rct</design>\n"
    "  <!-- optional, repeatable: <registration>NCT00000000</registration> -->\n"
    "  <!-- optional: <country>...</country> <accrual from=\"YYYY\" to=\"YYYY\"/> -->\n"
    "  <!-- at least one; the newest year orders cumulative analyses; doi and\n"
    "       pmid are optional -->\n"
    "  <publication year=\"@YEAR@\" doi=\"@DOI@\">@CITATION@</publication>\n"
    "  <!-- optional: the arms and their randomised sizes -->\n"
    "  <arms>\n"
    "    <arm role=\"experimental\" n=\"@N_EXPERIMENTAL@\">@EXPERIMENTAL@</arm>\n"
    "    <arm role=\"control\" n=\"@N_CONTROL@\">@CONTROL@</arm>\n"
    "  </arms>\n"
    "  <!-- optional, repeatable: what subgroup analyses group by (by NAME)\n"
    "  <covariate name=\"NAME\" value=\"VALUE\"/> -->\n"
    "  <outcome name=\"OS\">\n"
    "    <!-- exactly one effect, experimental / control (reference=\"experimental\"\n"
    "         when the paper gives control / experimental):\n"
    "         <hazard-ratio estimate=\"\" lower=\"\" upper=\"\" level=\"0.95\"/>\n"
    "         <hazard-ratio estimate=\"\" p=\"\"/>            (two-sided p)\n"
    "         <log-hazard-ratio estimate=\"\" se=\"\"/>\n"
    "         <peto o-minus-e=\"\" variance=\"\"/>\n"
    "         <counts events-experimental=\"\" total-experimental=\"\"\n"
    "                 events-control=\"\" total-control=\"\"/> -->\n"
    "    <hazard-ratio estimate=\"@HR@\" lower=\"@LOWER@\" upper=\"@UPPER@\"/>\n"
    "    <!-- optional, display only -->\n"
    "    <events experimental=\"@EVENTS_EXPERIMENTAL@\" control=\"@EVENTS_CONTROL@\"/>\n"
    "    <!-- optional: <followup median=\"\" unit=\"months\"/>\n"
    "         <median-survival experimental=\"\" control=\"\" unit=\"months\"/> -->\n"
    "  </outcome>\n"
    "  <!-- the source (table, figure, page) of every number -->\n"
    "  <notes>@SOURCE@</notes>\n"
    "</study>\n";

mp_status mp_template_write(const char *id, FILE *out)
{
    if (!mp_text_is_id(id))
        return MP_EINPUT;
    if (fputs(head, out) < 0 || fputs(id, out) < 0 || fputs(tail, out) < 0)
        return MP_EIO;
    return MP_OK;
}
