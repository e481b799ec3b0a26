-- vix schema: the first migration ("0001_schema").
--
-- This file is the source of truth for a new database. It ships inside the
-- wheel (vix/schema.sql links here). Later changes are new named migrations in
-- vix/db.py; an applied migration is never edited.
--
-- Privacy by construction (DOMAIN.md rule 3): no table has a field for the
-- reason of a worry, a risk category or a note about a youth. A signal is who,
-- whom and when. Parents' BSNs are never stored: only a keyed hash (HMAC) that
-- is enough to find brothers and sisters. The audit log holds pseudonyms, never
-- a BSN.

-- Region settings (day limits, SMTP, ...); values are JSON. Defaults live in code.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE municipalities (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    -- the municipal director (regievoerder): a professional of the region
    director_id INTEGER REFERENCES professionals(id),
    -- last step of the escalation ladder: the alderman for youth
    alderman_name TEXT,
    alderman_email TEXT
);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    domain TEXT NOT NULL CHECK (domain IN (
        'education', 'childcare', 'youth_health', 'youth_care',
        'youth_protection', 'health_care', 'social_support',
        'work_income', 'police_justice', 'municipality')),
    municipality_id INTEGER REFERENCES municipalities(id),
    phone TEXT,
    email TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE TABLE professionals (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    phone TEXT,
    organisation_id INTEGER REFERENCES organisations(id),
    role TEXT NOT NULL CHECK (role IN (
        'signaller', 'org_manager', 'org_coordinator', 'coordinator',
        'municipal_director', 'admin')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE INDEX professionals_organisation ON professionals(organisation_id);

-- Addresses of institutions (residential youth care, shelters): sharing one
-- of these does not make youths a family (rule 7).
CREATE TABLE institution_addresses (
    address_key TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- Migration 0007 (vix/db.py) rebuilds this table with the uniqueness of bsn as
-- the named index youths_bsn, which a first import can drop and rebuild.
CREATE TABLE youths (
    id INTEGER PRIMARY KEY,
    -- BSN, onderwijsnummer, or a substitute number derived from surname,
    -- date of birth and sex for a youth without a BSN [BJW 7.3.1]
    bsn TEXT NOT NULL UNIQUE,
    -- the CHECKs on this bulk-loaded table are written as OR chains: SQLite
    -- builds an ephemeral table per row for an IN list of three or more
    -- values, which made each youths INSERT of a pupil import twice as slow
    id_kind TEXT NOT NULL DEFAULT 'bsn'
        CHECK (id_kind = 'bsn' OR id_kind = 'onderwijsnummer' OR id_kind = 'substitute'),
    given_name TEXT NOT NULL,
    infix TEXT NOT NULL DEFAULT '',
    surname TEXT NOT NULL,
    birth_date TEXT NOT NULL,          -- ISO date
    sex TEXT CHECK (sex = 'M' OR sex = 'V' OR sex = 'X'),
    municipality_id INTEGER REFERENCES municipalities(id),
    postcode TEXT,
    house_number TEXT,
    address_key TEXT,                  -- normalised postcode + house number
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX youths_address ON youths(address_key) WHERE address_key IS NOT NULL;
CREATE INDEX youths_municipality ON youths(municipality_id);

-- Registered parents, as keyed hashes of their BSN. Migration 0002 (vix/db.py)
-- makes parent_key an INTEGER: the first 64 bits of the same HMAC.
CREATE TABLE youth_parents (
    youth_id INTEGER NOT NULL REFERENCES youths(id) ON DELETE CASCADE,
    parent_key TEXT NOT NULL,
    PRIMARY KEY (youth_id, parent_key)
) WITHOUT ROWID;
CREATE INDEX youth_parents_key ON youth_parents(parent_key);

CREATE TABLE youth_moves (
    id INTEGER PRIMARY KEY,
    youth_id INTEGER NOT NULL REFERENCES youths(id) ON DELETE CASCADE,
    from_municipality_id INTEGER REFERENCES municipalities(id),
    to_municipality_id INTEGER NOT NULL REFERENCES municipalities(id),
    moved_on TEXT NOT NULL,
    recorded_by INTEGER REFERENCES professionals(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX youth_moves_youth ON youth_moves(youth_id);

-- Pupils known to a school from its administration system (import).
-- Migration 0003 (vix/db.py) keys this table by (youth_id, organisation_id)
-- WITHOUT ROWID and keeps only the pupil-number index beside it.
-- Migration 0026 adds person_digest, address_digest and parents_digest (INTEGER,
-- NULL until the school's next list): keyed 64-bit digests of what the school's
-- list last said about the youth, per group, never the values themselves.
CREATE TABLE pupils (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    youth_id INTEGER NOT NULL REFERENCES youths(id) ON DELETE CASCADE,
    pupil_number TEXT,
    class_name TEXT,
    imported_at TEXT NOT NULL,
    UNIQUE (organisation_id, youth_id)
);
CREATE UNIQUE INDEX pupils_number ON pupils(organisation_id, pupil_number)
    WHERE pupil_number IS NOT NULL;
CREATE INDEX pupils_youth ON pupils(youth_id);

-- A signal: this professional of this organisation is involved with this
-- youth since then. Ended signals that go to the history archive (worry gone,
-- two-year limit) stay here with status 'ended' until archive_until; all
-- other endings delete the row (rule 15).
CREATE TABLE signals (
    id INTEGER PRIMARY KEY,
    youth_id INTEGER NOT NULL REFERENCES youths(id),
    professional_id INTEGER NOT NULL REFERENCES professionals(id),
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    placed_at TEXT NOT NULL,           -- ISO timestamp
    planned_removal TEXT NOT NULL,     -- ISO date [7.1.4.3]
    -- rule 4: either when parents were informed, or why not (seen only by
    -- the signaller, the organisation manager and auditors)
    parents_informed_on TEXT,
    parents_not_informed_reason TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    ended_at TEXT,
    end_reason TEXT CHECK (end_reason IN ('resolved', 'expired')),
    archive_until TEXT,
    CHECK ((parents_informed_on IS NULL) <> (parents_not_informed_reason IS NULL)),
    CHECK ((status = 'active') = (ended_at IS NULL))
);
CREATE UNIQUE INDEX signals_one_active ON signals(youth_id, professional_id)
    WHERE status = 'active';
CREATE INDEX signals_youth ON signals(youth_id, status, organisation_id);
CREATE INDEX signals_professional ON signals(professional_id, status);
-- per organisation: its active signals (evaluatielijst, range counts in the reports)
-- and, with status IN ('active', 'ended'), its signals placed in a period
CREATE INDEX signals_organisation ON signals(organisation_id, status, placed_at);
-- covering for the reports: counts per month/organisation and distinct youths
CREATE INDEX signals_placed ON signals(placed_at, organisation_id, youth_id);
CREATE INDEX signals_ended ON signals(organisation_id, end_reason, ended_at, status)
    WHERE status = 'ended';
CREATE INDEX signals_removal ON signals(planned_removal) WHERE status = 'active';
CREATE INDEX signals_archive ON signals(archive_until) WHERE status = 'ended';

-- Rule 10: a professional is told once who signalled a youth before him or
-- her (archived signals only).
CREATE TABLE history_notices (
    archived_signal_id INTEGER NOT NULL REFERENCES signals(id) ON DELETE CASCADE,
    professional_id INTEGER NOT NULL REFERENCES professionals(id),
    told_at TEXT NOT NULL,
    PRIMARY KEY (archived_signal_id, professional_id)
) WITHOUT ROWID;

-- Counters for signals that were deleted at once (unjustified, age 23,
-- death, erasure): kept only as numbers per organisation and month so the
-- reports stay right without keeping a trace of the youth.
CREATE TABLE signal_deletions (
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    month TEXT NOT NULL,               -- YYYY-MM of the deletion
    reason TEXT NOT NULL,
    placed_month TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (organisation_id, month, reason, placed_month)
) WITHOUT ROWID;

CREATE TABLE matches (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('youth', 'family')),
    youth_id INTEGER REFERENCES youths(id) ON DELETE SET NULL,  -- kind youth only
    municipality_id INTEGER REFERENCES municipalities(id),
    created_at TEXT NOT NULL,
    ended_at TEXT,
    -- follow-up (rules 12-13)
    director_id INTEGER REFERENCES professionals(id),
    regievoerder_id INTEGER REFERENCES professionals(id),
    care_coordinator_id INTEGER REFERENCES professionals(id),
    escalation_level INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX matches_youth ON matches(youth_id, ended_at);
-- covering for the reports (counts per month, kind, municipality)
CREATE INDEX matches_created ON matches(created_at, kind, municipality_id, youth_id, ended_at);
-- open matches; with kind, matches ended in a period per kind without row lookups
CREATE INDEX matches_open ON matches(ended_at, kind);

CREATE TABLE match_members (
    match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
    signal_id INTEGER NOT NULL REFERENCES signals(id) ON DELETE CASCADE,
    professional_id INTEGER NOT NULL REFERENCES professionals(id),
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    joined_at TEXT NOT NULL,
    left_at TEXT,
    PRIMARY KEY (match_id, signal_id)
) WITHOUT ROWID;
CREATE INDEX match_members_signal ON match_members(signal_id);
CREATE INDEX match_members_professional ON match_members(professional_id, left_at);
CREATE INDEX match_members_organisation ON match_members(organisation_id, match_id);

-- Milestones after a match: contact made, agreement (afstemming), action taken.
CREATE TABLE match_milestones (
    id INTEGER PRIMARY KEY,
    match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('contact', 'agreement', 'action')),
    on_date TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES professionals(id),
    recorded_at TEXT NOT NULL,
    UNIQUE (match_id, kind)
);
-- covering for the reports: milestone days of the matches of a period
CREATE INDEX match_milestones_day ON match_milestones(match_id, kind, on_date);

CREATE TABLE escalations (
    id INTEGER PRIMARY KEY,
    match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    on_date TEXT NOT NULL,
    recorded_by INTEGER REFERENCES professionals(id),
    recorded_at TEXT NOT NULL,
    UNIQUE (match_id, level)
);
CREATE INDEX escalations_date ON escalations(on_date);

-- Notices to send (rule 9), written in the same transaction as the change.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    match_id INTEGER REFERENCES matches(id) ON DELETE SET NULL,
    recipient_id INTEGER REFERENCES professionals(id),
    recipient_name TEXT NOT NULL,
    recipient_email TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_attempt_at TEXT,
    sent_at TEXT
);
CREATE INDEX outbox_status ON outbox(status);
CREATE INDEX outbox_match ON outbox(match_id);
CREATE INDEX outbox_recipient ON outbox(recipient_id);

-- Rule 18: who did what, when, about which record. "subject" is the keyed
-- hash of the youth's BSN (never the BSN itself).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES professionals(id),
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    subject TEXT,
    detail TEXT
);
CREATE INDEX audit_subject ON audit_log(subject) WHERE subject IS NOT NULL;
CREATE INDEX audit_at ON audit_log(at);
