#!/usr/bin/env bash
# The demo partnership: Medway's case reviews from 2009 to 2023, told as casetrail commands.
#
# Facts come from the public reports in ../shared/seeds/, cited as NNN:line (000 Medway 2010-11,
# 001 Medway April 2016 update, 003 Medway 2022-23). Where a report gives no date, owner or
# wording, this script chooses a plausible one and marks it "illustrative". Children are named by
# the reports' pseudonyms only. Rebuild with `make demo-log`; `make demo` tours a copy.
#
# Usage: events/demo.sh [LOG]   (default events/demo.jsonl; an existing file there is replaced)
set -euo pipefail
cd "$(dirname "$0")/.."

CT=${CASETRAIL:-.build/release/casetrail}
export CASETRAIL_LOG=${1:-events/demo.jsonl}
rm -f "$CASETRAIL_LOG" "$CASETRAIL_LOG".snapshot "$CASETRAIL_LOG".torn-*

ct() { "$CT" "$@" >/dev/null; }
on() { export CASETRAIL_TODAY=$1; }   # the business date the next entries are made on
as() { export CASETRAIL_ACTOR=$1; }   # who makes them

# --- Setting up (illustrative roster; agency names as the reports use them) -------------------
on 2008-10-01; as bm
ct init --partnership "Medway Safeguarding Children Partnership" --code MSCP --name "Business Manager"
ct member add chair   --name "Independent Chair"                 --agency MSCP       --role executive
ct member add ll      --name "Learning Lessons sub-group chair"  --agency MSCP       --role learning-lessons
ct member add exec    --name "Executive chair"                   --agency MSCP       --role executive
ct member add dcs     --name "Director of Children's Services"   --agency "Medway Council" --role partner,executive --partner la
ct member add supt    --name "Detective Superintendent"          --agency "Kent Police"    --role partner --partner police
ct member add nurse   --name "Chief Nurse"                       --agency "NHS Kent and Medway" --role partner --partner health
ct member add scrutineer --name "Independent Scrutineer"         --agency MSCP       --role auditor
ct agency add MSCP        --name "Medway Safeguarding Children Partnership" --alias "Medway Safeguarding Children Board" --alias MSCB
ct agency add MEDWAY-CSC  --name "Medway Council Children's Services" --alias "Medway Council" --alias "Children's Social Care"
ct agency add KENT-POLICE --name "Kent Police"
ct agency add KM-ICB      --name "NHS Kent and Medway" --alias "NHS Medway" --alias "Medway CCG"
ct agency add MFT         --name "Medway NHS Foundation Trust"
ct agency add KMPT        --name "Kent and Medway NHS Partnership Trust" --alias KMPT
ct agency add MCH         --name "Medway Community Healthcare"
ct agency add PROBATION   --name "National Probation Service" --alias "Kent Probation"
ct agency add SCHOOLS     --name "Medway schools"
ct member add csc-lead    --name "Head of Safeguarding, Children's Services" --agency MEDWAY-CSC --role agency-lead --email csc.lead@medway.example
ct member add health-lead --name "Designated Nurse" --agency "NHS Medway" --role agency-lead
ct member add police-lead --name "DI Smith" --agency KENT-POLICE --role agency-lead
# Where reminders to the leads go ('casetrail remind'); illustrative addresses under the reserved .example domain.
ct member set-email health-lead designated.nurse@nhs-kent-medway.example
ct member set-email police-lead di.smith@kent-police.example
ct policy set board-stage yes   # the LSCB era: the Board gave final sign-off (001:302)

# --- 2009: the first serious case review, judged good by Ofsted (000:1025) --------------------
ct review open MSCB-SCR-2008-01 --kind scr --title "First serious case review" --on 2008-10-01
on 2008-10-20
ct review screen MSCB-SCR-2008-01 --on 2008-10-15 --recommend threshold-met --note "illustrative dates"
as chair; ct review decide MSCB-SCR-2008-01 --on 2008-10-20 --outcome initiate --by "Independent Chair" --rationale "Working Together criteria met"
as bm; on 2009-06-30
ct review milestone MSCB-SCR-2008-01 --what commissioned --on 2008-11-03 --note "Independent overview author"
ct review milestone MSCB-SCR-2008-01 --what report-received --on 2009-04-17
ct review milestone MSCB-SCR-2008-01 --what submitted-to-ofsted --on 2009-04-30
on 2009-09-30
ct review grade MSCB-SCR-2008-01 --by Ofsted --grade good --on 2009-09-14
ct rec add MSCB-SCR-2008-01 R1 --text "Improve information sharing and risk assessment where needs interact in complex ways" --on 2009-04-17
ct rec add MSCB-SCR-2008-01 R2 --text "Give children a single point of access to mental health services" --on 2009-04-17
ct action add MSCB-SCR-2008-01/R1 A1 --text "Share the learning with the National Safeguarding Delivery Unit" --owner MSCB --lead "Board business manager" --due 2010-03-31 --on 2009-05-01
ct action add MSCB-SCR-2008-01/R2 A1 --text "Open a CAMHS Single Point of Access" --owner KMPT --lead "CAMHS service manager" --due 2009-10-31 --on 2009-05-01
on 2009-11-02
ct action update MSCB-SCR-2008-01/R2/A1 --note "Single Point of Access open" --rag green
ct action implemented MSCB-SCR-2008-01/R2/A1 --on 2009-10-30 --evidence "SPA fully operational (000:1031)"
on 2010-11-15
ct action impact MSCB-SCR-2008-01/R2/A1 --on 2010-10-29 --evidence "Evaluation after 12 months: between excellent and satisfactory (000:1031)" --rating "excellent to satisfactory"
as ll; ct action sign-off MSCB-SCR-2008-01/R2/A1 --stage learning-lessons
as exec; ct action sign-off MSCB-SCR-2008-01/R2/A1 --stage executive
as bm; ct action sign-off MSCB-SCR-2008-01/R2/A1 --stage board --on-behalf-of "MSCB Board" --meeting "Board, 15 November 2010 (illustrative)"
on 2011-03-31
ct action transfer MSCB-SCR-2008-01/R1/A1 --to "Munro review of child protection" --reason "The Delivery Unit's workplan was absorbed by the Munro review (000:1029)"

# --- 2010-11: the second SCR, deferred once, then delayed beyond the Board's control (000:1033) --
on 2010-06-10; as bm
ct review open MSCB-SCR-2010-02 --kind scr --title "Second serious case review" --on 2010-06-01
ct review screen MSCB-SCR-2010-02 --on 2010-06-10 --recommend defer --note "Too early to rule out (illustrative)"
as chair; ct review decide MSCB-SCR-2010-02 --on 2010-06-10 --outcome defer --by "Independent Chair" --rationale "Too early to rule out" --reconvene 2010-07-15
on 2010-07-16; as bm
ct review screen MSCB-SCR-2010-02 --on 2010-07-15 --recommend threshold-met
as chair; ct review decide MSCB-SCR-2010-02 --on 2010-07-16 --outcome initiate --by "Independent Chair" --rationale "Criteria met once the facts were known"
as bm; on 2011-03-31
ct review milestone MSCB-SCR-2010-02 --what commissioned --on 2010-08-02
ct review delay MSCB-SCR-2010-02 --reason "Completion delayed by circumstances beyond the Board's control (000:1033)" --expected 2011-08-31
on 2011-09-30
ct review milestone MSCB-SCR-2010-02 --what report-received --on 2011-08-01 --note "illustrative date, 'Summer 2011'"
ct review milestone MSCB-SCR-2010-02 --what submitted-to-ofsted --on 2011-08-31

# --- 2014-15: SCR action plans "Callum" and "Child F", signed off in September 2015 (001:300) ----
on 2014-03-31
for ref in MSCB-SCR-2013-01:Callum MSCB-SCR-2014-01:"Child F"; do
  r=${ref%%:*}; name=${ref#*:}
  ct review open "$r" --kind scr --title "Serious case review: $name" --on 2013-06-03
  as chair; ct review decide "$r" --on 2013-06-10 --outcome initiate --by "Independent Chair" --rationale "Criteria met (illustrative dates)"; as bm
  ct review milestone "$r" --what report-received --on 2014-01-15
  ct review milestone "$r" --what published --on 2014-03-20
  ct rec add "$r" R1 --text "Agencies to evidence that learning from $name has changed practice" --on 2014-03-20
  ct action add "$r"/R1 A1 --text "Single-agency action plans for $name completed with evidence" --owner MEDWAY-CSC --lead "Learning Lessons sub-group" --due 2015-06-30 --due-text "June 2015" --on 2014-03-31
done
on 2015-06-30
for r in MSCB-SCR-2013-01 MSCB-SCR-2014-01; do
  as csc-lead; ct action update "$r"/R1/A1 --note "Completed action plan and evidence submitted to the Learning Lessons sub-group" --rag green --evidence "Completed SCR action plans"
  ct action implemented "$r"/R1/A1 --on 2015-06-26 --evidence "Evidence of implementation submitted (001:300)"
  as bm; ct action impact "$r"/R1/A1 --on 2015-06-30 --evidence "Evidence of impact provided to the sub-group (001:300)"
  as ll; ct action sign-off "$r"/R1/A1 --stage learning-lessons
done
on 2015-07-20; as exec
for r in MSCB-SCR-2013-01 MSCB-SCR-2014-01; do ct action sign-off "$r"/R1/A1 --stage executive; done
on 2015-09-30; as bm
for r in MSCB-SCR-2013-01 MSCB-SCR-2014-01; do
  ct action sign-off "$r"/R1/A1 --stage board --on-behalf-of "MSCB Board" --meeting "Board, September 2015 (001:300)"
  ct review sign-off "$r" --what action-plan --on 2015-09-30
  ct review close "$r" --on 2015-09-30
done

# --- 2015: Ofsted's review; its four recommendations become actions 2.4, 2.8, 2.9, 2.10 (001:304-316)
on 2015-05-01
ct review open MSCB-OFSTED-2015 --kind inspection --title "Ofsted review of the LSCB (2015)" --on 2015-03-02
ct review milestone MSCB-OFSTED-2015 --what report-received --on 2015-04-10 --note "illustrative date"
ct rec add MSCB-OFSTED-2015 R1 --text "Implement the restructuring of MSCB sub-committees and working groups and ensure that their work is proportional and manageable" --on 2015-04-10
ct rec add MSCB-OFSTED-2015 R2 --text "Scrutinise the effectiveness of multi-agency child protection work, particularly core groups and the progression of plans" --on 2015-04-10
ct rec add MSCB-OFSTED-2015 R3 --text "Develop rigorous methods to evaluate the impact of the Board's work and its multi-agency training" --on 2015-04-10
ct rec add MSCB-OFSTED-2015 R4 --text "Renew the MSCB's oversight of safeguarding policy and practice through safeguarding and school audits" --on 2015-04-10
ct action add MSCB-OFSTED-2015/R1 A2.4 --text "Revised MSCB structure agreed by the Board; sub-group terms of reference reviewed" --owner MSCB --lead "MSCB Executive" --due 2016-01-31 --due-text "January 2016" --on 2015-05-01
ct action add MSCB-OFSTED-2015/R2 A2.8 --text "Redesign the MSCB dataset around the priorities and core groups" --owner MSCB --lead "PMQA sub-group; CFAG" --due 2016-03-31 --due-text "March 2016 (illustrative)" --on 2015-05-01 --success "Core groups meet with multi-agency involvement and progress plans"
ct action add MSCB-OFSTED-2015/R3 A2.9 --text "Raise the response rate to three-month course evaluations" --owner MSCB --lead "Learning & Development sub-group" --due 2016-03-31 --due-text "March 2016 (illustrative)" --on 2015-05-01 --success "MSCB can evidence the impact of multi-agency training on practice"
ct action add MSCB-OFSTED-2015/R4 A2.10 --text "Section 11 audits completed by all partner agencies" --owner MEDWAY-CSC --lead "PMQA sub-group" --due 2015-03-31 --due-text "March 2015" --on 2015-05-01
ct action correct MSCB-OFSTED-2015/R4/A2.10 --field owner --value MSCB --reason "Entered against the council; the plan gives the PMQA sub-group, a partnership group"
on 2015-11-13
ct action revise-due MSCB-OFSTED-2015/R4/A2.10 --due 2016-05-31 --reason "Launch event held 13 November 2015; peer review and challenge event set for May 2016 (001:316)"
on 2016-01-29
ct action update MSCB-OFSTED-2015/R1/A2.4 --note "Revised structure agreed by the Board in January 2016 (001:306)" --rag green
ct action implemented MSCB-OFSTED-2015/R1/A2.4 --on 2016-01-28 --evidence "Board minutes, January 2016"
on 2016-03-31
ct action revise-due MSCB-OFSTED-2015/R2/A2.8 --due 2016-06-30 --reason "Dataset redesign now due June 2016 (001:312)"
ct action revise-due MSCB-OFSTED-2015/R3/A2.9 --due 2016-06-30 --reason "Strategy to raise responses due June 2016 (001:313)"
ct action update MSCB-OFSTED-2015/R3/A2.9 --note "Responses to three-month evaluations rose from 5% (March 2015) to 10% (March 2016)" --rag amber --evidence "Evaluation returns (001:315)"
ct action update MSCB-OFSTED-2015/R4/A2.10 --note "S11 audits scrutinised by the PMQA sub-group in March 2016" --rag amber

# --- 2015-16: learning lessons reviews: Jack, and a second in progress (001:79-82) -------------
on 2015-12-01
ct review open MSCB-LLR-2015-01 --kind llr --title "Learning Lessons Review: Jack" --on 2015-02-02
ct review milestone MSCB-LLR-2015-01 --what commissioned --on 2015-02-16
ct review milestone MSCB-LLR-2015-01 --what report-received --on 2015-09-07
ct review milestone MSCB-LLR-2015-01 --what briefing-published --on 2015-11-02 --note "Briefing for practitioners on the MSCB website"
ct rec add MSCB-LLR-2015-01 R1 --text "Recognise vulnerable adolescents as children" --on 2015-09-07
ct rec add MSCB-LLR-2015-01 R2 --text "Work with children who misuse substances" --on 2015-09-07
ct rec add MSCB-LLR-2015-01 R3 --text "Manage children living out of area" --on 2015-09-07
ct action add MSCB-LLR-2015-01/R1 A1 --text "Adolescent safeguarding in the multi-agency training programme" --owner MSCB --lead "Learning & Development sub-group" --due 2016-06-30 --on 2015-10-05
ct action add MSCB-LLR-2015-01/R2 A1 --text "Joint protocol between substance misuse and children's services" --owner KMPT --lead "Service manager" --due 2016-03-31 --on 2015-10-05
ct action add MSCB-LLR-2015-01/R3 A1 --text "Notifications for looked-after children placed out of area" --owner "Children's Social Care" --lead "Head of Safeguarding" --due 2016-03-31 --on 2015-10-05
on 2016-02-15
ct review open MSCB-LLR-2016-01 --kind llr --title "Learning Lessons Review: baby subject to a child protection plan" --on 2016-01-18
ct review milestone MSCB-LLR-2016-01 --what commissioned --on 2016-02-01 --note "All involved agencies to complete management reviews"
# --- April 2016: the 2014-17 business plan moves in from its spreadsheet (001:175-317) ------------
# events/business-plan-2014-17.csv holds rows of Appendix 1 as the update report prints them, each
# citing its line; numbering as the plan's (priority P1-P6, actions 1.1, 2.5, ...).
on 2016-04-15
ct review open MSCB-BP-2014-17 --kind plan --title "MSCB Business Plan 2014-17 (version 8, April 2016)" --on 2014-04-01
ct import events/business-plan-2014-17.csv --into MSCB-BP-2014-17
on 2016-04-15
"$CT" checkpoint > "${CASETRAIL_LOG%.jsonl}-2016-checkpoint.txt"   # as kept with the April 2016 update report

# --- 2016-17: the plan's last year; what is still open is carried into the next plan (001:100) ---
on 2016-06-30
ct action implemented MSCB-BP-2014-17/P2/4.1 --on 2016-05-27 --evidence "CSE self assessments reported to MASE, May 2016 (illustrative)"
ct action implemented MSCB-BP-2014-17/P3/2.1 --on 2016-06-24 --evidence "#LovesMeOrNot campaign launched (illustrative)"
as ll; ct action sign-off MSCB-BP-2014-17/P4/3.4 --stage learning-lessons
as exec; ct action sign-off MSCB-BP-2014-17/P4/3.4 --stage executive
as bm; ct action sign-off MSCB-BP-2014-17/P4/3.4 --stage board --on-behalf-of "MSCB Board"
on 2017-04-03
ct review open MSCB-BP-2017-18 --kind plan --title "MSCB Business Plan 2017-18 (illustrative)" --on 2017-04-01 --from MSCB-BP-2014-17
ct review carry-forward MSCB-BP-2014-17 --to MSCB-BP-2017-18 --on 2017-04-01

# --- 2019: the partnership replaces the Board; no board stage any more --------------------------
on 2019-09-30; as bm
ct policy set board-stage no
ct member retire chair --reason "The Board's Independent Chair role ended with the new partnership arrangements (illustrative)"
ct agency alias KM-ICB "Kent and Medway Clinical Commissioning Group"

# --- 2021-22: two rapid reviews (003:364); one leads to Learning Review Andy (003:366) -----------
on 2021-06-09
ct incident notify MSCP-RR-2021-01 --child "Child A" --aware 2021-06-07 --incident 2021-06-05 --notified 2021-06-09 --summary "Serious injury to an infant (illustrative)"
on 2021-06-28
ct review rapid-complete MSCP-RR-2021-01 --on 2021-06-28 --recommend no-review --rationale "Learning addressed through single-agency actions"
for p in dcs supt nurse; do as $p; ct review sign-off MSCP-RR-2021-01 --what rapid-review --on 2021-06-28; done
as bm; on 2021-07-20
ct review panel-response MSCP-RR-2021-01 --on 2021-07-19 --agrees
as dcs; ct review decide MSCP-RR-2021-01 --on 2021-07-20 --outcome not-initiate --by "Safeguarding partners" --rationale "The National Panel agreed no LCSPR was needed"
as bm; ct review correct MSCP-RR-2021-01 --field incident --value 2021-06-04 --reason "The hospital record gives the 4th (illustrative)"
ct review close MSCP-RR-2021-01 --on 2021-07-20

on 2021-11-12
ct incident notify MSCP-RR-2021-02 --child Andy --aware 2021-11-01 --summary "Death of a teenager by suicide"
ct review milestone MSCP-RR-2021-02 --what notified --on 2021-11-10 --note "Sent after the five working days (illustrative)"
on 2021-12-06
ct review rapid-complete MSCP-RR-2021-02 --on 2021-12-06 --recommend other-review --rationale "Multi-agency learning about suicide risk in lockdown"
for p in dcs supt; do as $p; ct review sign-off MSCP-RR-2021-02 --what rapid-review --on 2021-12-06; done
as nurse; ct review sign-off MSCP-RR-2021-02 --what rapid-review --on 2021-12-06 --refuse --reason "Health chronology incomplete"
ct review sign-off MSCP-RR-2021-02 --what rapid-review --on 2021-12-06
as dcs; ct review decide MSCP-RR-2021-02 --on 2021-12-06 --outcome other-review --by "Safeguarding partners" --rationale "Learning review rather than LCSPR" --creates MSCP-LR-2021-01 --title "Learning Review Andy"
as bm; on 2022-04-29
ct review milestone MSCP-LR-2021-01 --what commissioned --on 2022-01-10
ct review milestone MSCP-LR-2021-01 --what report-received --on 2022-03-21
ct review milestone MSCP-LR-2021-01 --what briefing-published --on 2022-04-25 --note "Briefing sheet published in April 2022 (003:366)"
ct rec add MSCP-LR-2021-01 R1 --text "Assess suicide risk in the context of lockdown and isolation" --on 2022-03-21
ct action add MSCP-LR-2021-01/R1 A1 --text "Suicide-prevention workshop for practitioners" --owner MSCP --lead "Learning & Development sub-group" --due 2022-09-30 --on 2022-04-25
ct action add MSCP-LR-2021-01/R1 A2 --text "Share Andy's briefing with schools" --owner SCHOOLS --lead "Designated safeguarding leads" --due 2022-07-22 --on 2022-04-25

# --- 2022-23: three themed multi-agency audits with action plans (003:378-385) ------------------
on 2022-07-15
ct review open MSCP-AUD-2022-01 --kind audit --title "Themed audit: Neglect" --on 2022-06-01
ct review milestone MSCP-AUD-2022-01 --what report-received --on 2022-06-24 --note "4 requires improvement, 1 good"
ct rec add MSCP-AUD-2022-01 R1 --text "Review GCP2 scores regularly and analyse children's experience at home" --on 2022-06-24
ct review results MSCP-AUD-2022-01 --requires-improvement 4 --good 1 --on 2022-06-24   # 003:380
ct action add MSCP-AUD-2022-01/R1 A1 --text "Neglect training to cover reviewing GCP2 scores" --owner MSCP --lead "Neglect Strategy Implementation Group" --due 2022-12-31 --on 2022-07-01
ct review open MSCP-AUD-2022-04 --kind audit --title "Neglect themed audit" --on 2022-06-01   # the same audit again, by mistake (illustrative)
ct void MSCP-AUD-2022-04 --reason "Opened twice: the neglect audit is MSCP-AUD-2022-01"
on 2022-10-14
ct review open MSCP-AUD-2022-02 --kind audit --title "Themed audit: Early Help" --on 2022-09-01
ct review milestone MSCP-AUD-2022-02 --what report-received --on 2022-09-30 --note "1 good, 2 requires improvement, 2 inadequate"
ct rec add MSCP-AUD-2022-02 R1 --text "Stop missing health information from acute and mental health settings" --on 2022-09-30
ct rec add MSCP-AUD-2022-02 R2 --text "Make safety plans robust and include the children" --on 2022-09-30
ct review results MSCP-AUD-2022-02 --good 1 --requires-improvement 2 --inadequate 2 --on 2022-09-30   # 003:384
ct action add MSCP-AUD-2022-02/R1 A1 --text "Invite Medway NHS Foundation Trust to strategy discussions" --owner MFT --lead "Named nurse" --due 2022-12-31 --on 2022-10-14
ct action add MSCP-AUD-2022-02/R2 A1 --text "Safety planning guidance and audit" --owner "Children's Social Care" --lead "Head of Early Help" --due 2023-03-31 --on 2022-10-14
on 2023-01-13
ct review open MSCP-AUD-2022-03 --kind audit --title "Themed audit: Child Mental Health" --on 2022-12-01
ct review milestone MSCP-AUD-2022-03 --what report-received --on 2022-12-16 --note "1 good, 2 requires improvement, 2 inadequate"
ct rec add MSCP-AUD-2022-03 R1 --text "Improve engagement and work with fathers" --on 2022-12-16
ct rec add MSCP-AUD-2022-03 R2 --text "Wider use of the MSCP escalation policy" --on 2022-12-16
ct review results MSCP-AUD-2022-03 --good 1 --requires-improvement 2 --inadequate 2 --on 2022-12-16   # 003:390
ct action add MSCP-AUD-2022-03/R1 A1 --text "Practice guidance on including fathers" --owner "Children's Social Care" --lead "Principal social worker" --due 2023-04-28 --on 2023-01-13
ct action add MSCP-AUD-2022-03/R2 A1 --text "Relaunch the escalation policy with a practitioner briefing" --owner MSCP --lead "Business manager" --due 2023-03-31 --on 2023-01-13
on 2023-01-20; as bm
ct action update MSCP-AUD-2022-02/R1/A1 --note "MFT now included in strategy discussion invitations (003:382)" --rag green
ct action implemented MSCP-AUD-2022-02/R1/A1 --on 2023-01-16 --evidence "Strategy discussion invitation lists"
ct action implemented MSCP-AUD-2022-01/R1/A1 --on 2022-12-09 --evidence "Rosie 2 and GCP2 training delivered"
ct action impact MSCP-AUD-2022-01/R1/A1 --on 2023-01-20 --evidence "NSPCC evaluation: GCP2 systems fit for purpose (003:264)" --rating good
as ll; ct action sign-off MSCP-AUD-2022-01/R1/A1 --stage learning-lessons
as exec; ct action sign-off MSCP-AUD-2022-01/R1/A1 --stage executive
as bm; ct action implemented MSCP-LR-2021-01/R1/A2 --on 2022-07-15 --evidence "Briefing circulated to all designated safeguarding leads"
ct action withdraw MSCP-LR-2021-01/R1/A1 --reason "Superseded by the Kent and Medway suicide-prevention training programme"

# --- 2022-23: Section 11 audit and learning from national reviews (003:330-344, 003:406-410) ----
on 2022-11-30
ct review open MSCP-S11-2022 --kind section11 --title "Section 11 audit 2022 (Kent and Medway)" --on 2022-06-15
ct review milestone MSCP-S11-2022 --what report-received --on 2022-11-18 --note "83% fully met, 13% partially met, none not met"
ct rec add MSCP-S11-2022 R1 --text "Raise awareness and knowledge of private fostering" --on 2022-11-18
ct action add MSCP-S11-2022/R1 A1 --text "Private fostering awareness campaign" --owner MEDWAY-CSC --lead "Private fostering lead" --due 2023-03-31 --on 2022-11-30
on 2022-07-01
ct review open MSCP-NAT-2022-01 --kind national --title "LCSPR Child Q (City and Hackney): strip search of a child at school" --on 2022-04-04
ct rec add MSCP-NAT-2022-01 R1 --text "Assure the Executive about strip searches of children" --on 2022-04-04
ct action add MSCP-NAT-2022-01/R1 A1 --text "Report the number, circumstances and oversight of strip searches" --owner KENT-POLICE --lead "DI Smith" --due 2022-06-30 --on 2022-04-11
as police-lead; ct action implemented MSCP-NAT-2022-01/R1/A1 --on 2022-06-22 --evidence "Assurance report to the Executive (003:410)"
as ll; ct action sign-off MSCP-NAT-2022-01/R1/A1 --stage learning-lessons
as exec; ct action sign-off MSCP-NAT-2022-01/R1/A1 --stage executive --refuse --reason "Show the searches were in line with the codes of practice"
as police-lead; on 2022-09-05
ct action implemented MSCP-NAT-2022-01/R1/A1 --on 2022-09-02 --evidence "Dip-sample against PACE Code C and Working Together 2018"
as ll; ct action sign-off MSCP-NAT-2022-01/R1/A1 --stage learning-lessons
as exec; ct action sign-off MSCP-NAT-2022-01/R1/A1 --stage executive

# --- March 2023: the external review of the partnership and its action plan (003:282-286) -------
on 2023-03-31; as bm
ct review open MSCP-EXT-2023-01 --kind external --title "External review of the MSCP" --on 2022-12-05
ct review milestone MSCP-EXT-2023-01 --what commissioned --on 2022-12-05 --note "Independent consultant"
ct review milestone MSCP-EXT-2023-01 --what report-received --on 2023-03-08
ct rec add MSCP-EXT-2023-01 R1 --text "Reset the Executive's purpose on system leadership and outcomes" --on 2023-03-08
ct rec add MSCP-EXT-2023-01 R2 --text "Become more data driven" --on 2023-03-08
ct rec add MSCP-EXT-2023-01 R3 --text "Act quickly on audit findings and use learning from the National Panel" --on 2023-03-08
ct rec add MSCP-EXT-2023-01 R4 --text "Appoint an independent chair for the Executive (illustrative)" --on 2023-03-08
for r in R1 R2 R3; do ct rec respond MSCP-EXT-2023-01/$r --accepted --on 2023-03-29; done
ct rec respond MSCP-EXT-2023-01/R4 --not-accepted --reason "The partners keep the Independent Scrutineer model agreed in 2019, which the review found a strength (illustrative)" --on 2023-03-29
ct action add MSCP-EXT-2023-01/R1 A1 --text "Executive away day to agree purpose and outcomes" --owner MSCP --lead "Executive chair" --due 2023-06-30 --on 2023-03-29
ct action add MSCP-EXT-2023-01/R2 A1 --text "Partnership dashboard, including early help data" --owner MEDWAY-CSC --lead "Early help data analyst" --due 2032-09-29 --on 2023-03-29
ct action correct MSCP-EXT-2023-01/R2/A1 --field due --value 2023-09-29 --reason "Typed 2032 for 2023: a slip, not a revised date (illustrative)"
ct rec correct MSCP-EXT-2023-01/R2 --field text --value "Become more data driven, including early help data" --reason "The report's wording, copied in full (003:284)"
ct action add MSCP-EXT-2023-01/R3 A1 --text "Audit findings and National Panel learning as standing Executive items" --owner MSCP --lead "Business manager" --due 2023-05-31 --on 2023-03-29

# --- Spring 2023: progress and a reopened action --------------------------------------------
on 2023-04-20; as csc-lead
ct action update MSCP-AUD-2022-02/R2/A1 --note "Guidance drafted; audit of safety plans booked for June" --rag amber
ct action revise-due MSCP-AUD-2022-02/R2/A1 --due 2023-07-31 --reason "Audit of safety plans moved to June"
as bm
ct action reopen MSCP-AUD-2022-02/R1/A1 --reason "A follow-up dip-sample found maternity still missing from some invitations (illustrative)"
ct review delay MSCB-LLR-2016-01 --reason "Management reviews outstanding from two agencies (illustrative)" --expected 2023-09-30

# --- April 2023: an update recorded against the wrong action, voided (illustrative) ---------------
on 2023-04-24; as bm
ct action update MSCP-EXT-2023-01/R1/A1 --note "Dashboard specification agreed with the data team" --rag green
ct void "seq:$(wc -l < "$CASETRAIL_LOG")" --reason "Recorded against R1/A1; it is progress on the dashboard, R2/A1"
ct action update MSCP-EXT-2023-01/R2/A1 --note "Dashboard specification agreed with the data team" --rag green
spec=$(wc -l < "$CASETRAIL_LOG")   # its seq, put right below

# --- May 2023: a child's name typed into an update by mistake, and taken out --------------------
# Illustrative: the name is invented. The note keeps its date, RAG and everything else; only its
# text reads [redacted], and 'casetrail verify' lists the redaction it relies on.
on 2023-05-02; as csc-lead
ct action update MSCP-EXT-2023-01/R2/A1 --note "Dashboard pilot discussed with Jordan Examplename's family worker" --rag green
as bm
ct redact "seq:$(wc -l < "$CASETRAIL_LOG")" --field note --reason "A child's full name typed into the note (illustrative)"

# --- June 2023: the date of that earlier update put right (illustrative) ------------------------
on 2023-06-05; as bm
ct action correct MSCP-EXT-2023-01/R2/A1 --field update-on --value 2023-04-21 --line "seq:$spec" --reason "The data team agreed the specification on 21 April, not the 24th (illustrative)"
