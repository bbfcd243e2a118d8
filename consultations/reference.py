"""GCM reference data about the Compact itself: its objectives, guiding principles and the IMRF
roundtable clusters, copied from A/RES/73/195 (English text) and kept in the project."""

from django.utils.translation import gettext_noop as N_

# (number, title, GCM paragraph)
OBJECTIVES = [
    (
        1,
        N_(
            "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies"
        ),
        17,
    ),
    (
        2,
        N_(
            "Minimize the adverse drivers and structural factors that compel people to leave their country of origin"
        ),
        18,
    ),
    (3, N_("Provide accurate and timely information at all stages of migration"), 19),
    (4, N_("Ensure that all migrants have proof of legal identity and adequate documentation"), 20),
    (5, N_("Enhance availability and flexibility of pathways for regular migration"), 21),
    (
        6,
        N_(
            "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work"
        ),
        22,
    ),
    (7, N_("Address and reduce vulnerabilities in migration"), 23),
    (8, N_("Save lives and establish coordinated international efforts on missing migrants"), 24),
    (9, N_("Strengthen the transnational response to smuggling of migrants"), 25),
    (
        10,
        N_(
            "Prevent, combat and eradicate trafficking in persons in the context of international migration"
        ),
        26,
    ),
    (11, N_("Manage borders in an integrated, secure and coordinated manner"), 27),
    (
        12,
        N_(
            "Strengthen certainty and predictability in migration procedures for appropriate screening, assessment and referral"
        ),
        28,
    ),
    (
        13,
        N_(
            "Use migration detention only as a measure of last resort and work towards alternatives"
        ),
        29,
    ),
    (
        14,
        N_(
            "Enhance consular protection, assistance and cooperation throughout the migration cycle"
        ),
        30,
    ),
    (15, N_("Provide access to basic services for migrants"), 31),
    (16, N_("Empower migrants and societies to realize full inclusion and social cohesion"), 32),
    (
        17,
        N_(
            "Eliminate all forms of discrimination and promote evidence-based public discourse to shape perceptions of migration"
        ),
        33,
    ),
    (
        18,
        N_(
            "Invest in skills development and facilitate mutual recognition of skills, qualifications and competences"
        ),
        34,
    ),
    (
        19,
        N_(
            "Create conditions for migrants and diasporas to fully contribute to sustainable development in all countries"
        ),
        35,
    ),
    (
        20,
        N_(
            "Promote faster, safer and cheaper transfer of remittances and foster financial inclusion of migrants"
        ),
        36,
    ),
    (
        21,
        N_(
            "Cooperate in facilitating safe and dignified return and readmission, as well as sustainable reintegration"
        ),
        37,
    ),
    (
        22,
        N_(
            "Establish mechanisms for the portability of social security entitlements and earned benefits"
        ),
        38,
    ),
    (
        23,
        N_(
            "Strengthen international cooperation and global partnerships for safe, orderly and regular migration"
        ),
        39,
    ),
]

# (number, code, name, GCM paragraph)
GUIDING_PRINCIPLES = [
    (1, "people_centred", N_("People-centred"), "15(a)"),
    (2, "international_cooperation", N_("International cooperation"), "15(b)"),
    (3, "national_sovereignty", N_("National sovereignty"), "15(c)"),
    (4, "rule_of_law_due_process", N_("Rule of law and due process"), "15(d)"),
    (5, "sustainable_development", N_("Sustainable development"), "15(e)"),
    (6, "human_rights", N_("Human rights"), "15(f)"),
    (7, "gender_responsive", N_("Gender-responsive"), "15(g)"),
    (8, "child_sensitive", N_("Child-sensitive"), "15(h)"),
    (9, "whole_of_government", N_("Whole-of-government approach"), "15(i)"),
    (10, "whole_of_society", N_("Whole-of-society approach"), "15(j)"),
]

# The four roundtable clusters of the International Migration Review Forum: (number, theme, objectives)
OBJECTIVE_CLUSTERS = [
    (1, N_("Ensuring that migration is voluntary, orderly and regular"), (2, 5, 6, 12, 18)),
    (
        2,
        N_("Protecting migrants through rights-based border governance measures"),
        (4, 8, 9, 10, 11, 13, 21),
    ),
    (
        3,
        N_(
            "Supporting the integration of migrants and acknowledging their contribution to development"
        ),
        (14, 15, 16, 19, 20, 22),
    ),
    (
        4,
        N_(
            "Improving value- and evidence-based policymaking and public debate, and enhancing cooperation on migration"
        ),
        (1, 3, 7, 17, 23),
    ),
]
