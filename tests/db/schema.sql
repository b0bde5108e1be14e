CREATE TABLE adviser (
	id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	area VARCHAR NOT NULL, 
	areas VARCHAR NOT NULL, 
	phone VARCHAR NOT NULL, 
	email VARCHAR NOT NULL, 
	capacity INTEGER NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
-- adviser.area default ''
-- adviser.areas default ''
-- adviser.phone default ''
-- adviser.email default ''
-- adviser.capacity default 150
-- adviser.active default True
-- adviser.created_at: UTCDateTime
-- adviser.updated_at: UTCDateTime
-- adviser.deleted default False
CREATE TABLE audit_event (
	seq INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	officer_id VARCHAR NOT NULL, 
	action VARCHAR NOT NULL, 
	entity VARCHAR NOT NULL, 
	entity_id VARCHAR NOT NULL, 
	fields VARCHAR NOT NULL, 
	recipient VARCHAR NOT NULL, 
	detail VARCHAR NOT NULL, 
	site_id VARCHAR NOT NULL, 
	prev_hash VARCHAR NOT NULL, 
	hash VARCHAR NOT NULL, 
	PRIMARY KEY (seq)
);
-- audit_event.at: UTCDateTime
-- audit_event.entity_id default ''
-- audit_event.fields default ''
-- audit_event.recipient default ''
-- audit_event.detail default ''
-- audit_event.site_id default ''
CREATE TABLE candidacy (
	id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	ballot_paper_id VARCHAR NOT NULL, 
	election_id VARCHAR NOT NULL, 
	election_date DATE, 
	party VARCHAR NOT NULL, 
	post VARCHAR NOT NULL, 
	organisation_id VARCHAR, 
	cancelled_poll BOOLEAN NOT NULL, 
	elected BOOLEAN, 
	unconfirmed BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (person_id, ballot_paper_id)
);
-- candidacy.election_id default ''
-- candidacy.party default ''
-- candidacy.post default ''
-- candidacy.cancelled_poll default False
-- candidacy.unconfirmed default False
-- candidacy.created_at: UTCDateTime
-- candidacy.updated_at: UTCDateTime
-- candidacy.deleted default False
CREATE TABLE "conflict" (
	id VARCHAR NOT NULL, 
	entity VARCHAR NOT NULL, 
	row_id VARCHAR NOT NULL, 
	field VARCHAR NOT NULL, 
	local_value VARCHAR NOT NULL, 
	local_hlc INTEGER NOT NULL, 
	local_site VARCHAR NOT NULL, 
	remote_value VARCHAR NOT NULL, 
	remote_hlc INTEGER NOT NULL, 
	remote_site VARCHAR NOT NULL, 
	detected_at DATETIME NOT NULL, 
	resolved_by VARCHAR, 
	resolved_at DATETIME, 
	resolution VARCHAR, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_conflict_row ON "conflict" (entity, row_id);
-- conflict.detected_at: UTCDateTime
-- conflict.resolved_at: UTCDateTime
CREATE TABLE contact (
	id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	adviser_id VARCHAR, 
	officer_id VARCHAR NOT NULL, 
	at DATETIME NOT NULL, 
	channel VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	summary VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_contact_person_id ON contact (person_id);
-- contact.at: UTCDateTime
-- contact.summary default ''
CREATE TABLE event (
	id VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	starts_at DATETIME NOT NULL, 
	ends_at DATETIME, 
	place VARCHAR NOT NULL, 
	organiser VARCHAR NOT NULL, 
	organiser_contact VARCHAR NOT NULL, 
	notice_received_at DATETIME, 
	risk VARCHAR NOT NULL, 
	risk_reason VARCHAR NOT NULL, 
	patrol_requested BOOLEAN NOT NULL, 
	patrol_minutes INTEGER NOT NULL, 
	patrol_additional_pence INTEGER NOT NULL, 
	patrol_opportunity_pence INTEGER NOT NULL, 
	attendance VARCHAR NOT NULL, 
	notes VARCHAR NOT NULL, 
	outcome VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_event_starts_at ON event (starts_at);
-- event.kind default 'other'
-- event.starts_at: UTCDateTime
-- event.ends_at: UTCDateTime
-- event.place default ''
-- event.organiser default ''
-- event.organiser_contact default ''
-- event.notice_received_at: UTCDateTime
-- event.risk default 'low'
-- event.risk_reason default ''
-- event.patrol_requested default False
-- event.patrol_minutes default 0
-- event.patrol_additional_pence default 0
-- event.patrol_opportunity_pence default 0
-- event.attendance default ''
-- event.notes default ''
-- event.outcome default ''
-- event.created_at: UTCDateTime
-- event.updated_at: UTCDateTime
-- event.deleted default False
CREATE TABLE event_person (
	event_id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	PRIMARY KEY (event_id, person_id)
);
CREATE INDEX ix_event_person_person_id ON event_person (person_id);
CREATE TABLE field_version (
	entity VARCHAR NOT NULL, 
	row_id VARCHAR NOT NULL, 
	field VARCHAR NOT NULL, 
	hlc INTEGER NOT NULL, 
	site_id VARCHAR NOT NULL, 
	PRIMARY KEY (entity, row_id, field)
)
 WITHOUT ROWID;
CREATE TABLE incident (
	id VARCHAR NOT NULL, 
	ref VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	type VARCHAR NOT NULL, 
	summary VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	occurred_at DATETIME, 
	location VARCHAR NOT NULL, 
	grade INTEGER NOT NULL, 
	thrive VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	adviser_id VARCHAR, 
	crime_ref VARCHAR NOT NULL, 
	cad_ref VARCHAR NOT NULL, 
	operation VARCHAR NOT NULL, 
	event_id VARCHAR, 
	reported_at DATETIME NOT NULL, 
	due_at DATETIME NOT NULL, 
	closed_at DATETIME, 
	review_date DATE, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_incident_adviser ON incident (adviser_id, status, deleted);
CREATE INDEX ix_incident_person_id ON incident (person_id);
CREATE INDEX ix_incident_queue ON incident (grade, due_at, id, status, deleted, person_id);
CREATE INDEX ix_incident_ref ON incident (ref);
CREATE INDEX ix_incident_return ON incident (reported_at, deleted, type, grade, status, operation, person_id, due_at, crime_ref, id);
-- incident.description default ''
-- incident.occurred_at: UTCDateTime
-- incident.location default ''
-- incident.grade default 3
-- incident.thrive default ''
-- incident.status default 'new'
-- incident.crime_ref default ''
-- incident.cad_ref default ''
-- incident.operation default 'none'
-- incident.reported_at: UTCDateTime
-- incident.due_at: UTCDateTime
-- incident.closed_at: UTCDateTime
-- incident.created_at: UTCDateTime
-- incident.updated_at: UTCDateTime
-- incident.deleted default False
CREATE TABLE incident_link (
	id VARCHAR NOT NULL, 
	incident_id VARCHAR NOT NULL, 
	person_id VARCHAR, 
	subject_id VARCHAR, 
	category VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_incident_link_incident_id ON incident_link (incident_id);
CREATE INDEX ix_incident_link_person_id ON incident_link (person_id);
CREATE INDEX ix_incident_link_subject_id ON incident_link (subject_id);
CREATE TABLE incident_person (
	incident_id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	PRIMARY KEY (incident_id, person_id)
);
CREATE INDEX ix_incident_person_person_id ON incident_person (person_id);
CREATE TABLE meta (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);
CREATE TABLE officer (
	id VARCHAR(32) NOT NULL, 
	name VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	removed_at DATETIME, 
	PRIMARY KEY (id)
);
-- officer.role default 'officer'
-- officer.active default True
-- officer.created_at: UTCDateTime
-- officer.removed_at: UTCDateTime
CREATE TABLE organisation (
	id VARCHAR NOT NULL, 
	slug VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	gss VARCHAR NOT NULL, 
	council_id VARCHAR, 
	ro_name VARCHAR NOT NULL, 
	ro_phone VARCHAR NOT NULL, 
	ro_email VARCHAR NOT NULL, 
	share_request_status VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_organisation_slug ON organisation (slug);
-- organisation.kind default 'council'
-- organisation.gss default ''
-- organisation.ro_name default ''
-- organisation.ro_phone default ''
-- organisation.ro_email default ''
-- organisation.share_request_status default 'not-requested'
-- organisation.created_at: UTCDateTime
-- organisation.updated_at: UTCDateTime
-- organisation.deleted default False
CREATE TABLE outbox (
	seq INTEGER NOT NULL, 
	entity VARCHAR NOT NULL, 
	row_id VARCHAR NOT NULL, 
	op VARCHAR NOT NULL, 
	fields VARCHAR NOT NULL, 
	hlc INTEGER NOT NULL, 
	site_id VARCHAR NOT NULL, 
	PRIMARY KEY (seq)
);
-- outbox.fields default ''
CREATE TABLE person (
	id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	party VARCHAR NOT NULL, 
	organisation_id VARCHAR, 
	post VARCHAR NOT NULL, 
	ballot_paper_id VARCHAR NOT NULL, 
	election_date DATE, 
	dc_person_id VARCHAR, 
	elected_on DATE, 
	merged_into VARCHAR, 
	phone VARCHAR NOT NULL, 
	email VARCHAR NOT NULL, 
	address VARCHAR NOT NULL, 
	address_withheld BOOLEAN NOT NULL, 
	risk VARCHAR NOT NULL, 
	adviser_id VARCHAR, 
	briefing_status VARCHAR NOT NULL, 
	last_contact_at DATETIME, 
	next_contact_due DATETIME, 
	review_date DATE, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_person_adviser ON person (deleted, adviser_id, next_contact_due, last_contact_at);
CREATE INDEX ix_person_dc_person_id ON person (dc_person_id);
CREATE INDEX ix_person_organisation_id ON person (organisation_id);
CREATE INDEX ix_person_return ON person (id, role, party, deleted, merged_into, created_at, adviser_id, briefing_status);
CREATE INDEX ix_person_review ON person (review_date);
-- person.role default 'candidate'
-- person.party default ''
-- person.post default ''
-- person.ballot_paper_id default ''
-- person.phone default ''
-- person.email default ''
-- person.address default ''
-- person.address_withheld default False
-- person.risk default 'low'
-- person.briefing_status default 'none'
-- person.last_contact_at: UTCDateTime
-- person.next_contact_due: UTCDateTime
-- person.created_at: UTCDateTime
-- person.updated_at: UTCDateTime
-- person.deleted default False
CREATE TABLE quarantine (
	id INTEGER NOT NULL, 
	hub_seq INTEGER NOT NULL, 
	entity VARCHAR NOT NULL, 
	row_id VARCHAR NOT NULL, 
	fields VARCHAR NOT NULL, 
	reason VARCHAR NOT NULL, 
	data VARCHAR, 
	versions VARCHAR, 
	received_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (hub_seq, entity, row_id, fields)
);
-- quarantine.fields default ''
-- quarantine.received_at: UTCDateTime
CREATE TABLE security_measure (
	id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	recommended_on DATE, 
	agreed_on DATE, 
	fitted_on DATE, 
	declined_on DATE, 
	removed_on DATE, 
	next_review DATE, 
	notes VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_security_measure_next_review ON security_measure (next_review);
CREATE INDEX ix_security_measure_person_id ON security_measure (person_id);
-- security_measure.status default 'recommended'
-- security_measure.notes default ''
-- security_measure.created_at: UTCDateTime
-- security_measure.updated_at: UTCDateTime
-- security_measure.deleted default False
CREATE TABLE security_referral (
	id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	provider VARCHAR NOT NULL, 
	cost INTEGER NOT NULL, 
	requested_on DATE, 
	decided_on DATE, 
	started_on DATE, 
	ended_on DATE, 
	notes VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_security_referral_person_id ON security_referral (person_id);
-- security_referral.status default 'requested'
-- security_referral.provider default ''
-- security_referral.cost default 0
-- security_referral.notes default ''
-- security_referral.created_at: UTCDateTime
-- security_referral.updated_at: UTCDateTime
-- security_referral.deleted default False
CREATE TABLE security_survey (
	id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	place VARCHAR NOT NULL, 
	surveyed_on DATE NOT NULL, 
	surveyed_by VARCHAR NOT NULL, 
	findings VARCHAR NOT NULL, 
	risk VARCHAR NOT NULL, 
	next_review DATE, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_security_survey_next_review ON security_survey (next_review);
CREATE INDEX ix_security_survey_person_id ON security_survey (person_id);
-- security_survey.place default 'home'
-- security_survey.surveyed_by default ''
-- security_survey.findings default ''
-- security_survey.risk default 'low'
-- security_survey.created_at: UTCDateTime
-- security_survey.updated_at: UTCDateTime
-- security_survey.deleted default False
CREATE TABLE subject (
	id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	aliases VARCHAR NOT NULL, 
	identifiers VARCHAR NOT NULL, 
	risk VARCHAR NOT NULL, 
	ftac VARCHAR NOT NULL, 
	plait VARCHAR NOT NULL, 
	facts VARCHAR NOT NULL, 
	assessment VARCHAR NOT NULL, 
	review_date DATE, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_subject_review_date ON subject (review_date);
-- subject.aliases default ''
-- subject.identifiers default ''
-- subject.risk default 'low'
-- subject.ftac default 'none'
-- subject.plait default 'none'
-- subject.facts default ''
-- subject.assessment default ''
-- subject.created_at: UTCDateTime
-- subject.updated_at: UTCDateTime
-- subject.deleted default False
CREATE TABLE sync_mark (
	outbox_seq INTEGER NOT NULL, 
	cursor INTEGER NOT NULL, 
	PRIMARY KEY (outbox_seq)
);
CREATE TABLE timeline_entry (
	id VARCHAR NOT NULL, 
	incident_id VARCHAR NOT NULL, 
	at DATETIME NOT NULL, 
	officer_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	text VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_timeline_entry_incident_id ON timeline_entry (incident_id);
CREATE INDEX ix_timeline_status ON timeline_entry (incident_id, at, text) WHERE kind = 'status';
-- timeline_entry.at: UTCDateTime
-- timeline_entry.text default ''
