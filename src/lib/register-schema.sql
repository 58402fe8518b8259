-- src/lib/register-schema.sql - the register's schema, version 1 (docs/register.md).
--
-- Embedded in the binary at build time (src/lib/CMakeLists.txt) and run by
-- ws_register_init() as the owner, in one transaction, on a database whose register_meta
-- says version 0 (or has no register_meta): every statement may meet what it creates
-- already there (IF NOT EXISTS, OR REPLACE). @station@ and @auditor@ are replaced by the
-- group roles' quoted names (wipeseal_station and wipeseal_auditor unless told otherwise).
--
-- Trust: a station may only call the ws_insert_* functions (SECURITY DEFINER, run as the
-- owner), which check what they store against the bytes themselves; it reads nothing but
-- ws_audit_high_water(). An auditor reads everything and writes nothing. Nobody, owner
-- included, updates or deletes a row younger than register_meta.retention_days (>= 180).

SET LOCAL client_min_messages = warning;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '@station_name@') THEN
		CREATE ROLE @station@ NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '@auditor_name@') THEN
		CREATE ROLE @auditor@ NOLOGIN;
	END IF;
END
$$;

-- One row: the schema's version and the retention in days.
CREATE TABLE IF NOT EXISTS register_meta (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	schema_version integer NOT NULL,
	retention_days integer NOT NULL DEFAULT 180 CHECK (retention_days >= 180),
	received timestamptz NOT NULL DEFAULT now()
);

-- Certificates: the exact bytes of NAME.json and NAME.json.p7s, and what a search needs.
CREATE TABLE IF NOT EXISTS certificates (
	certificate_id text NOT NULL UNIQUE,
	sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	json bytea NOT NULL,
	p7s bytea NOT NULL,
	schema text NOT NULL,
	serial text,
	model text,
	wwn text,
	asset_tag text,
	status text NOT NULL,
	method text,
	nist_level text,
	technique text,
	operator text,
	validator text,
	decision text,
	station text NOT NULL,
	station_hostname text,
	previous_sha256 text,
	issued timestamptz,
	received timestamptz NOT NULL DEFAULT now(),
	clock_synchronized boolean,
	ntp_server text,
	pushed_by name NOT NULL DEFAULT session_user
);
CREATE INDEX IF NOT EXISTS certificates_serial ON certificates (serial);
CREATE INDEX IF NOT EXISTS certificates_wwn ON certificates (wwn);
CREATE INDEX IF NOT EXISTS certificates_asset_tag ON certificates (asset_tag);
CREATE INDEX IF NOT EXISTS certificates_station_issued ON certificates (station, issued);
CREATE INDEX IF NOT EXISTS certificates_operator ON certificates (operator);
CREATE INDEX IF NOT EXISTS certificates_issued ON certificates (issued);
CREATE INDEX IF NOT EXISTS certificates_previous ON certificates (previous_sha256);
-- The documents are compressed with LZ4 where the server has it (PostgreSQL 14 and later,
-- built with lz4, as Debian's is): pglz took a tenth of the server's time per stored
-- certificate (bench/register-bench.sh). Rows stored before keep theirs; both read alike.
DO $$
BEGIN
	EXECUTE 'ALTER TABLE certificates ALTER COLUMN json SET COMPRESSION lz4, '
		'ALTER COLUMN p7s SET COMPRESSION lz4';
EXCEPTION WHEN OTHERS THEN
	NULL;
END
$$;

-- Validation records (wipeseal-validation/1) and their .p7s.
CREATE TABLE IF NOT EXISTS validations (
	validation_id text NOT NULL UNIQUE,
	sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	record bytea NOT NULL,
	p7s bytea NOT NULL,
	certificate_id text,
	certificate_sha256 text NOT NULL,
	decision text NOT NULL,
	validator text NOT NULL,
	issued timestamptz,
	received timestamptz NOT NULL DEFAULT now(),
	pushed_by name NOT NULL DEFAULT session_user
);
CREATE INDEX IF NOT EXISTS validations_certificate ON validations (certificate_sha256);

-- Re-verification records (wipeseal-reverification/1) and their .p7s.
CREATE TABLE IF NOT EXISTS reverifications (
	reverification_id text NOT NULL UNIQUE,
	sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	record bytea NOT NULL,
	p7s bytea NOT NULL,
	certificate_id text,
	certificate_sha256 text NOT NULL,
	outcome text NOT NULL,
	signer text NOT NULL,
	issued timestamptz,
	received timestamptz NOT NULL DEFAULT now(),
	pushed_by name NOT NULL DEFAULT session_user
);
CREATE INDEX IF NOT EXISTS reverifications_certificate ON reverifications (certificate_sha256);

-- The stations' audit-log lines: log_id is the SHA-256 of the log's line 1 (its bytes, no
-- newline), so a log is known by its first line; the chain is prev_line_sha256.
CREATE TABLE IF NOT EXISTS audit_lines (
	station text NOT NULL,
	log_id text NOT NULL CHECK (log_id ~ '^[0-9a-f]{64}$'),
	line bigint NOT NULL CHECK (line >= 1),
	bytes bytea NOT NULL,
	sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	prev_line_sha256 text,
	status text,
	certificate_sha256 text,
	received timestamptz NOT NULL DEFAULT now(),
	pushed_by name NOT NULL DEFAULT session_user,
	UNIQUE (log_id, line)
);
CREATE INDEX IF NOT EXISTS audit_lines_station ON audit_lines (station);
CREATE INDEX IF NOT EXISTS audit_lines_certificate ON audit_lines (certificate_sha256);

-- ---- retention ---------------------------------------------------------------------------

-- Refuses UPDATE and DELETE of a row younger than retention_days, for every role. The one
-- update let through: a certificate's validator and decision (the latest validation's,
-- kept in step by ws_insert_validation()), nothing else changed.
CREATE OR REPLACE FUNCTION ws_retention_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	days integer := (SELECT retention_days FROM register_meta);
BEGIN
	IF TG_TABLE_NAME = 'register_meta' THEN
		IF TG_OP = 'UPDATE' THEN
			RETURN NEW;
		END IF;
		RAISE EXCEPTION 'register_meta cannot be deleted' USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'certificates' AND
	   (to_jsonb(NEW) - 'validator' - 'decision') = (to_jsonb(OLD) - 'validator' - 'decision') THEN
		RETURN NEW;
	END IF;
	IF OLD.received > now() - make_interval(days => coalesce(days, 180)) THEN
		RAISE EXCEPTION '% of a % row received % refused: the register keeps records % days',
			TG_OP, TG_TABLE_NAME, OLD.received, coalesce(days, 180)
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN OLD;
	END IF;
	RETURN NEW;
END
$$;

-- TRUNCATE takes every row at once: refused while any row is younger than the retention.
CREATE OR REPLACE FUNCTION ws_retention_truncate_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	days integer := (SELECT retention_days FROM register_meta);
	young boolean;
BEGIN
	IF TG_TABLE_NAME = 'register_meta' THEN
		RAISE EXCEPTION 'register_meta cannot be truncated' USING ERRCODE = 'insufficient_privilege';
	END IF;
	EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE received > now() - $1)', TG_TABLE_NAME)
		INTO young USING make_interval(days => coalesce(days, 180));
	IF young THEN
		RAISE EXCEPTION 'TRUNCATE of % refused: it holds rows younger than % days',
			TG_TABLE_NAME, coalesce(days, 180) USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NULL;
END
$$;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['register_meta', 'certificates', 'validations', 'reverifications',
	                         'audit_lines'] LOOP
		EXECUTE format('CREATE OR REPLACE TRIGGER ws_retention BEFORE UPDATE OR DELETE ON %I '
		               'FOR EACH ROW EXECUTE FUNCTION ws_retention_guard()', t);
		EXECUTE format('CREATE OR REPLACE TRIGGER ws_retention_truncate BEFORE TRUNCATE ON %I '
		               'FOR EACH STATEMENT EXECUTE FUNCTION ws_retention_truncate_guard()', t);
	END LOOP;
END
$$;

-- ---- what a station may call ---------------------------------------------------------------

-- The bytes' SHA-256, lower-case hex.
CREATE OR REPLACE FUNCTION ws_sha256_hex(b bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT encode(sha256(b), 'hex') $$;

-- A JSON document's bytes as jsonb, or an error naming what.
CREATE OR REPLACE FUNCTION ws_parse_json(b bytea, what text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	RETURN convert_from(b, 'UTF8')::jsonb;
EXCEPTION WHEN others THEN
	RAISE EXCEPTION '% is not JSON: %', what, SQLERRM USING ERRCODE = 'data_exception';
END
$$;

-- A check failed: the caller sent something that is not what it says.
CREATE OR REPLACE FUNCTION ws_refuse(msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation';
END
$$;

-- ws_insert_certificate() - store a certificate the station verified. Checks: the SHA-256
-- of @json is @sha256; certificate_id, media.serial and status are those of the JSON.
-- Return: 'stored', 'duplicate' (these bytes are there) or 'conflict' (the id with other
-- bytes).
CREATE OR REPLACE FUNCTION ws_insert_certificate(p_json bytea, p_p7s bytea, p_sha256 text,
	p_certificate_id text, p_serial text, p_status text, p_station text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	j jsonb := ws_parse_json(p_json, 'the certificate');
	v1 boolean := j->>'schema' = 'wipeseal-certificate/1';
	have text;
BEGIN
	IF ws_sha256_hex(p_json) IS DISTINCT FROM p_sha256 THEN
		PERFORM ws_refuse('the certificate''s SHA-256 is not ' || coalesce(p_sha256, 'null'));
	END IF;
	IF j->>'certificate_id' IS DISTINCT FROM p_certificate_id OR
	   j#>>'{media,serial}' IS DISTINCT FROM p_serial OR j->>'status' IS DISTINCT FROM p_status THEN
		PERFORM ws_refuse('certificate_id, serial or status is not what the certificate says');
	END IF;
	IF p_station IS NULL OR p_p7s IS NULL OR length(p_p7s) = 0 THEN
		PERFORM ws_refuse('a certificate needs its signature and its station');
	END IF;
	INSERT INTO certificates (certificate_id, sha256, json, p7s, schema, serial, model, wwn,
		asset_tag, status, method, nist_level, technique, operator, validator, decision, station,
		station_hostname, previous_sha256, issued, clock_synchronized, ntp_server)
	VALUES (p_certificate_id, p_sha256, p_json, p_p7s, j->>'schema', p_serial,
		j#>>'{media,model}', j#>>'{media,wwn}',
		CASE WHEN v1 THEN j#>>'{media,asset_number}' ELSE j#>>'{media,property_number}' END,
		p_status,
		CASE WHEN v1 THEN j#>>'{sanitization,method_type}' ELSE j#>>'{sanitization,method}' END,
		coalesce(j#>>'{evidence,nist_level}',
			CASE WHEN v1 THEN j#>>'{sanitization,method_type}' ELSE j#>>'{sanitization,method}' END),
		CASE WHEN v1 THEN j#>>'{sanitization,method_used}' ELSE j#>>'{sanitization,technique}' END,
		j#>>'{person,name}', NULL, NULL, p_station, j#>>'{station,hostname}',
		j->>'previous_certificate_sha256', (j->>'issued')::timestamptz,
		(j#>>'{station,clock,synchronized}')::boolean,
		coalesce(j#>>'{station,clock,ntp_server}', j#>>'{station,clock,server}'))
	ON CONFLICT DO NOTHING;
	IF FOUND THEN
		RETURN 'stored';
	END IF;
	SELECT sha256 INTO have FROM certificates WHERE certificate_id = p_certificate_id;
	IF have = p_sha256 THEN
		RETURN 'duplicate';
	END IF;
	RETURN 'conflict';
END
$$;

-- ws_insert_validation() - store a validation record; the certificate it names takes its
-- decision and validator when it is the latest (by the record's date).
CREATE OR REPLACE FUNCTION ws_insert_validation(p_record bytea, p_p7s bytea, p_sha256 text,
	p_validation_id text, p_certificate_sha256 text, p_decision text, p_validator text)
	RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	j jsonb := ws_parse_json(p_record, 'the validation record');
	have text;
BEGIN
	IF ws_sha256_hex(p_record) IS DISTINCT FROM p_sha256 THEN
		PERFORM ws_refuse('the validation record''s SHA-256 is not ' || coalesce(p_sha256, 'null'));
	END IF;
	IF j->>'validation_id' IS DISTINCT FROM p_validation_id OR
	   j#>>'{certificate,sha256}' IS DISTINCT FROM p_certificate_sha256 OR
	   j->>'decision' IS DISTINCT FROM p_decision THEN
		PERFORM ws_refuse('validation_id, certificate or decision is not what the record says');
	END IF;
	IF p_validator IS NULL OR p_p7s IS NULL OR length(p_p7s) = 0 THEN
		PERFORM ws_refuse('a validation record needs its signature and its validator');
	END IF;
	INSERT INTO validations (validation_id, sha256, record, p7s, certificate_id,
		certificate_sha256, decision, validator, issued)
	VALUES (p_validation_id, p_sha256, p_record, p_p7s, j#>>'{certificate,certificate_id}',
		p_certificate_sha256, p_decision, p_validator, (j->>'date')::timestamptz)
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		SELECT sha256 INTO have FROM validations WHERE validation_id = p_validation_id;
		RETURN CASE WHEN have = p_sha256 THEN 'duplicate' ELSE 'conflict' END;
	END IF;
	UPDATE certificates c SET validator = v.validator, decision = v.decision
	FROM (SELECT validator, decision FROM validations
	      WHERE certificate_sha256 = p_certificate_sha256
	      ORDER BY issued DESC NULLS LAST, received DESC LIMIT 1) v
	WHERE c.sha256 = p_certificate_sha256 AND
	      (c.validator, c.decision) IS DISTINCT FROM (v.validator, v.decision);
	RETURN 'stored';
END
$$;

-- ws_insert_reverification() - store a re-verification record (outcome: its result).
CREATE OR REPLACE FUNCTION ws_insert_reverification(p_record bytea, p_p7s bytea,
	p_sha256 text, p_reverification_id text, p_certificate_sha256 text, p_outcome text,
	p_signer text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	j jsonb := ws_parse_json(p_record, 'the re-verification record');
	have text;
BEGIN
	IF ws_sha256_hex(p_record) IS DISTINCT FROM p_sha256 THEN
		PERFORM ws_refuse('the re-verification record''s SHA-256 is not ' ||
			coalesce(p_sha256, 'null'));
	END IF;
	IF j->>'reverification_id' IS DISTINCT FROM p_reverification_id OR
	   j#>>'{certificate,sha256}' IS DISTINCT FROM p_certificate_sha256 OR
	   j->>'result' IS DISTINCT FROM p_outcome THEN
		PERFORM ws_refuse('reverification_id, certificate or result is not what the record says');
	END IF;
	IF p_signer IS NULL OR p_p7s IS NULL OR length(p_p7s) = 0 THEN
		PERFORM ws_refuse('a re-verification record needs its signature and its signer');
	END IF;
	INSERT INTO reverifications (reverification_id, sha256, record, p7s, certificate_id,
		certificate_sha256, outcome, signer, issued)
	VALUES (p_reverification_id, p_sha256, p_record, p_p7s,
		j#>>'{certificate,certificate_id}', p_certificate_sha256, p_outcome, p_signer,
		(j->>'date')::timestamptz)
	ON CONFLICT DO NOTHING;
	IF FOUND THEN
		RETURN 'stored';
	END IF;
	SELECT sha256 INTO have FROM reverifications WHERE reverification_id = p_reverification_id;
	RETURN CASE WHEN have = p_sha256 THEN 'duplicate' ELSE 'conflict' END;
END
$$;

-- ws_insert_audit_line() - store line @p_line of the log @p_log_id. Checks: the SHA-256 of
-- @p_bytes is @p_sha256; the line's own "line" is @p_line; line 1's SHA-256 is the log_id;
-- its prev_line_sha256 is the stored line before's SHA-256 when that line is stored.
CREATE OR REPLACE FUNCTION ws_insert_audit_line(p_station text, p_log_id text, p_line bigint,
	p_bytes bytea, p_sha256 text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	j jsonb := ws_parse_json(p_bytes, 'the audit line');
	prev text;
	have text;
BEGIN
	IF ws_sha256_hex(p_bytes) IS DISTINCT FROM p_sha256 THEN
		PERFORM ws_refuse('the audit line''s SHA-256 is not ' || coalesce(p_sha256, 'null'));
	END IF;
	IF (j->>'line')::bigint IS DISTINCT FROM p_line THEN
		PERFORM ws_refuse(format('the audit line says it is line %s, not %s', j->>'line', p_line));
	END IF;
	IF p_line = 1 AND p_sha256 IS DISTINCT FROM p_log_id THEN
		PERFORM ws_refuse('line 1''s SHA-256 is not the log_id');
	END IF;
	SELECT sha256 INTO prev FROM audit_lines WHERE log_id = p_log_id AND line = p_line - 1;
	IF FOUND AND j->>'prev_line_sha256' IS DISTINCT FROM prev THEN
		PERFORM ws_refuse(format('line %s does not chain to the stored line %s', p_line, p_line - 1));
	END IF;
	INSERT INTO audit_lines (station, log_id, line, bytes, sha256, prev_line_sha256, status,
		certificate_sha256)
	VALUES (p_station, p_log_id, p_line, p_bytes, p_sha256, j->>'prev_line_sha256',
		j->>'status', j->>'certificate_sha256')
	ON CONFLICT DO NOTHING;
	IF FOUND THEN
		RETURN 'stored';
	END IF;
	SELECT sha256 INTO have FROM audit_lines WHERE log_id = p_log_id AND line = p_line;
	RETURN CASE WHEN have = p_sha256 THEN 'duplicate' ELSE 'conflict' END;
END
$$;

-- ws_audit_high_water() - the highest line of @p_log_id the register holds (0: none): the
-- one thing a station may read, so that it sends only the lines the register lacks.
CREATE OR REPLACE FUNCTION ws_audit_high_water(p_log_id text) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
	SELECT coalesce(max(line), 0) FROM audit_lines WHERE log_id = p_log_id
$$;

-- ---- privileges --------------------------------------------------------------------------

REVOKE ALL ON register_meta, certificates, validations, reverifications, audit_lines FROM PUBLIC;
GRANT SELECT ON register_meta, certificates, validations, reverifications, audit_lines TO @auditor@;
REVOKE ALL ON FUNCTION ws_retention_guard(), ws_retention_truncate_guard(), ws_sha256_hex(bytea),
	ws_parse_json(bytea, text), ws_refuse(text),
	ws_insert_certificate(bytea, bytea, text, text, text, text, text),
	ws_insert_validation(bytea, bytea, text, text, text, text, text),
	ws_insert_reverification(bytea, bytea, text, text, text, text, text),
	ws_insert_audit_line(text, text, bigint, bytea, text), ws_audit_high_water(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ws_insert_certificate(bytea, bytea, text, text, text, text, text),
	ws_insert_validation(bytea, bytea, text, text, text, text, text),
	ws_insert_reverification(bytea, bytea, text, text, text, text, text),
	ws_insert_audit_line(text, text, bigint, bytea, text), ws_audit_high_water(text) TO @station@;
GRANT EXECUTE ON FUNCTION ws_sha256_hex(bytea) TO @auditor@;
