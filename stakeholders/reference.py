"""GCM reference data about stakeholders (groups, regional commissions, languages).

Compiled from A/RES/73/195 and the regional commissions' membership lists; names are marked for
translation so that the interface shows them in the reader's language.
"""

# "_" only marks names for translation: they are stored in English and translated when shown.
from django.utils.translation import gettext_noop as _

# (code, name, kind, GCM paragraphs) in the order of the GCM's own lists.
STAKEHOLDER_GROUPS = [
    ("migrants", _("Migrants"), "constituency", "15(j), 44"),
    ("diasporas", _("Diasporas"), "constituency", "15(j)"),
    ("migrant_diaspora_orgs", _("Migrant and diaspora organizations"), "constituency", "44"),
    ("local_communities", _("Local communities"), "constituency", "15(j), 44"),
    ("local_authorities", _("Local authorities"), "constituency", "44"),
    ("civil_society", _("Civil society"), "constituency", "15(j), 44"),
    ("faith_based_orgs", _("Faith-based organizations"), "constituency", "44"),
    ("academia", _("Academia"), "constituency", "15(j), 44"),
    ("private_sector", _("Private sector"), "constituency", "15(j), 44"),
    ("parliamentarians", _("Parliamentarians"), "constituency", "15(j), 44"),
    ("trade_unions", _("Trade unions"), "constituency", "15(j), 44"),
    ("nhris", _("National human rights institutions"), "constituency", "15(j), 44"),
    (
        "red_cross_red_crescent",
        _("International Red Cross and Red Crescent Movement"),
        "constituency",
        "44",
    ),
    ("media", _("Media"), "constituency", "15(j), 44"),
    ("other", _("Other relevant stakeholders"), "constituency", "15(j), 44"),
    ("member_state", _("Member State"), "member_state", ""),
    ("un_international_org", _("UN or international organization"), "international", ""),
]

# (code, name, commission, headquarters)
REGIONS = [
    ("ECA", _("Africa"), _("United Nations Economic Commission for Africa"), _("Addis Ababa")),
    (
        "ECE",
        _("Europe, North America, Caucasus and Central Asia"),
        _("United Nations Economic Commission for Europe"),
        _("Geneva"),
    ),
    (
        "ECLAC",
        _("Latin America and the Caribbean"),
        _("Economic Commission for Latin America and the Caribbean"),
        _("Santiago"),
    ),
    (
        "ESCAP",
        _("Asia and the Pacific"),
        _("Economic and Social Commission for Asia and the Pacific"),
        _("Bangkok"),
    ),
    (
        "ESCWA",
        _("Arab region"),
        _("Economic and Social Commission for Western Asia"),
        _("Beirut"),
    ),
]

# Members of each commission (ISO 3166-1 alpha-2). "outside" lists members that lie outside the
# region (they take part in the commission, not in its regional review of the GCM).
REGION_MEMBERS = {
    "ECA": {
        "members": (
            "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS "
            "LR LY MG MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW"
        ),
        "outside": "",
        "associates": "",
    },
    "ECE": {
        "members": (
            "AL AD AM AT AZ BY BE BA BG CA HR CY CZ DK EE FI FR GE DE GR HU IS IE IL IT KZ KG "
            "LV LI LT LU MT MC ME NL MK NO PL PT MD RO RU SM RS SK SI ES SE CH TJ TR TM UA GB "
            "US UZ"
        ),
        "outside": "",
        "associates": "",
    },
    "ECLAC": {
        "members": (
            "AG AR BS BB BZ BO BR CL CO CR CU DM DO EC SV GD GT GY HT HN JM MX NI PA PY PE KN "
            "LC VC SR TT UY VE CA FR DE IT JP NL NO PT KR ES TR GB US"
        ),
        "outside": "CA FR DE IT JP NL NO PT KR ES TR GB US",
        "associates": "AI AW BM VG KY CW GP MQ MS PR SX TC VI GF",
    },
    "ESCAP": {
        "members": (
            "AF AM AU AZ BD BT BN KH CN KP FJ FR GE IN ID IR JP KZ KI KG LA MY MV MH FM MN MM "
            "NR NP NL NZ PK PW PG PH KR RU WS SG SB LK TJ TH TL TO TR TM TV GB US UZ VU VN"
        ),
        "outside": "FR NL GB US",
        "associates": "AS CK PF GU HK MO NC NU MP",
    },
    "ESCWA": {
        "members": "DZ BH EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE",
        "outside": "",
        "associates": "",
    },
}

# Members of the regional commissions that are not UN Member States.
NON_MEMBER_STATES = {"PS"}

# (code, English name, native name, direction)
LANGUAGES = [
    ("ar", _("Arabic"), "العربية", "rtl"),
    ("zh", _("Chinese"), "中文", "ltr"),
    ("en", _("English"), "English", "ltr"),
    ("fr", _("French"), "Français", "ltr"),
    ("ru", _("Russian"), "Русский", "ltr"),
    ("es", _("Spanish"), "Español", "ltr"),
]
