"""GCM reference data about the Compact: objectives, guiding principles, IMRF roundtable clusters.

Copied from A/RES/73/195 (English text) and kept in the project.
"""

# "_" only marks names for translation: they are stored in English and translated when shown.
from django.utils.translation import gettext_noop as _

# (number, title, GCM paragraph)
OBJECTIVES = [
    (
        1,
        _(
            "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies"
        ),
        17,
    ),
    (
        2,
        _(
            "Minimize the adverse drivers and structural factors that compel people to leave their country of origin"
        ),
        18,
    ),
    (3, _("Provide accurate and timely information at all stages of migration"), 19),
    (4, _("Ensure that all migrants have proof of legal identity and adequate documentation"), 20),
    (5, _("Enhance availability and flexibility of pathways for regular migration"), 21),
    (
        6,
        _(
            "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work"
        ),
        22,
    ),
    (7, _("Address and reduce vulnerabilities in migration"), 23),
    (8, _("Save lives and establish coordinated international efforts on missing migrants"), 24),
    (9, _("Strengthen the transnational response to smuggling of migrants"), 25),
    (
        10,
        _(
            "Prevent, combat and eradicate trafficking in persons in the context of international migration"
        ),
        26,
    ),
    (11, _("Manage borders in an integrated, secure and coordinated manner"), 27),
    (
        12,
        _(
            "Strengthen certainty and predictability in migration procedures for appropriate screening, assessment and referral"
        ),
        28,
    ),
    (
        13,
        _("Use migration detention only as a measure of last resort and work towards alternatives"),
        29,
    ),
    (
        14,
        _("Enhance consular protection, assistance and cooperation throughout the migration cycle"),
        30,
    ),
    (15, _("Provide access to basic services for migrants"), 31),
    (16, _("Empower migrants and societies to realize full inclusion and social cohesion"), 32),
    (
        17,
        _(
            "Eliminate all forms of discrimination and promote evidence-based public discourse to shape perceptions of migration"
        ),
        33,
    ),
    (
        18,
        _(
            "Invest in skills development and facilitate mutual recognition of skills, qualifications and competences"
        ),
        34,
    ),
    (
        19,
        _(
            "Create conditions for migrants and diasporas to fully contribute to sustainable development in all countries"
        ),
        35,
    ),
    (
        20,
        _(
            "Promote faster, safer and cheaper transfer of remittances and foster financial inclusion of migrants"
        ),
        36,
    ),
    (
        21,
        _(
            "Cooperate in facilitating safe and dignified return and readmission, as well as sustainable reintegration"
        ),
        37,
    ),
    (
        22,
        _(
            "Establish mechanisms for the portability of social security entitlements and earned benefits"
        ),
        38,
    ),
    (
        23,
        _(
            "Strengthen international cooperation and global partnerships for safe, orderly and regular migration"
        ),
        39,
    ),
]

# (number, code, name, GCM paragraph)
GUIDING_PRINCIPLES = [
    (1, "people_centred", _("People-centred"), "15(a)"),
    (2, "international_cooperation", _("International cooperation"), "15(b)"),
    (3, "national_sovereignty", _("National sovereignty"), "15(c)"),
    (4, "rule_of_law_due_process", _("Rule of law and due process"), "15(d)"),
    (5, "sustainable_development", _("Sustainable development"), "15(e)"),
    (6, "human_rights", _("Human rights"), "15(f)"),
    (7, "gender_responsive", _("Gender-responsive"), "15(g)"),
    (8, "child_sensitive", _("Child-sensitive"), "15(h)"),
    (9, "whole_of_government", _("Whole-of-government approach"), "15(i)"),
    (10, "whole_of_society", _("Whole-of-society approach"), "15(j)"),
]

# The four roundtable clusters of the International Migration Review Forum: (number, theme, objectives)
OBJECTIVE_CLUSTERS = [
    (1, _("Ensuring that migration is voluntary, orderly and regular"), (2, 5, 6, 12, 18)),
    (
        2,
        _("Protecting migrants through rights-based border governance measures"),
        (4, 8, 9, 10, 11, 13, 21),
    ),
    (
        3,
        _(
            "Supporting the integration of migrants and acknowledging their contribution to development"
        ),
        (14, 15, 16, 19, 20, 22),
    ),
    (
        4,
        _(
            "Improving value- and evidence-based policymaking and public debate, and enhancing cooperation on migration"
        ),
        (1, 3, 7, 17, 23),
    ),
]
