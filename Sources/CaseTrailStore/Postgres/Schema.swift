/// What `init` creates in a partnership's database. The rules that keep the log honest live in the
/// database itself, so they hold for raw SQL as much as for casetrail: every line's actor is the
/// role the server signed in; lines are only ever added, next in seq, linked to the line before and
/// next in their stream; committed lines cannot be updated, deleted or truncated.
enum PostgresSchema {
    /// The transaction-level advisory lock every append takes, so commit order is seq order.
    static let appendLock = "7233466309021770752"

    /// The bodies of the functions that enforce the rules, as the server stores them (`prosrc`), so
    /// `verify` can tell that none was replaced.
    static var functionBodies: [(String, String)] {
        ["casetrail.check_new_line()", "casetrail.refuse_change()", "casetrail.refuse_line_change()", "casetrail.redact_line(bigint,text)",
         "casetrail.grant_member(name,boolean)", "casetrail.revoke_member(name)"].map { signature in
            let name = String(signature.prefix { $0 != "(" })
            let text = Array(create.utf8)
            let start = find(Array("CREATE FUNCTION \(name)(".utf8), in: text, from: 0)!
            let from = find(Array("$$".utf8), in: text, from: start)! + 2
            let to = find(Array("$$".utf8), in: text, from: from)!
            return (signature, String(decoding: text[from..<to], as: UTF8.self))
        }
    }

    private static func find(_ needle: [UInt8], in text: [UInt8], from: Int) -> Int? {
        guard needle.count <= text.count else { return nil }
        return (from...(text.count - needle.count)).first { text[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    static let create = """
    CREATE SCHEMA casetrail;
    COMMENT ON SCHEMA casetrail IS 'A casetrail partnership log: append-only, hash-chained. Read it with casetrail.';

    -- Who created the log (its owner, first admin); one row.
    CREATE TABLE casetrail.log (
      owner name NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row)
    );
    INSERT INTO casetrail.log (owner) VALUES (session_user);

    -- Each line exactly as casetrail wrote it (its hash covers these bytes), with the columns the
    -- rules below check against it (the hash, so the next line's link is checked without parsing
    -- this one again). committed_by is the role the server signed in.
    CREATE TABLE casetrail.events (
      seq bigint PRIMARY KEY CHECK (seq > 0),
      stream text NOT NULL,
      version bigint NOT NULL CHECK (version > 0),
      actor text NOT NULL,
      hash text NOT NULL,
      line text NOT NULL,
      committed_by name NOT NULL DEFAULT session_user,
      committed_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (stream, version)
    );

    CREATE FUNCTION casetrail.check_new_line() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
    DECLARE
      body jsonb;
      head bigint;
      previous text := repeat('0', 64);
      last_version bigint;
      -- Lines keep the actors of the log they are copied from only in the transaction that
      -- created the log (now() is that transaction's start), and only for its owner.
      copying boolean := current_setting('casetrail.copying', true) = 'on'
                         AND (SELECT owner = session_user AND created_at = now() FROM casetrail.log);
    BEGIN
      PERFORM pg_advisory_xact_lock(\(appendLock));
      NEW.committed_by := session_user;
      NEW.committed_at := now();
      IF NOT copying AND NEW.actor IS DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION 'casetrail: this session signed in as %, so it may add lines only as %, not as %', session_user, session_user, NEW.actor
          USING ERRCODE = '42501';
      END IF;
      BEGIN
        body := NEW.line::jsonb;
      EXCEPTION WHEN others THEN
        RAISE EXCEPTION 'casetrail: line % is not a JSON object', NEW.seq USING ERRCODE = '23514';
      END;
      IF jsonb_typeof(body) <> 'object'
         OR body->>'actor' IS DISTINCT FROM NEW.actor
         OR body->>'stream' IS DISTINCT FROM NEW.stream
         OR body->'seq' IS DISTINCT FROM to_jsonb(NEW.seq)
         OR body->'version' IS DISTINCT FROM to_jsonb(NEW.version)
         OR body->>'hash' IS DISTINCT FROM NEW.hash
         OR (NOT copying AND body ? 'login' AND body->>'login' IS DISTINCT FROM session_user::text) THEN
        RAISE EXCEPTION 'casetrail: line % says other than its row (seq, stream, version, actor or login)', NEW.seq USING ERRCODE = '23514';
      END IF;
      SELECT e.seq, e.hash INTO head, previous FROM casetrail.events e ORDER BY e.seq DESC LIMIT 1;
      IF NEW.seq IS DISTINCT FROM coalesce(head, 0) + 1 THEN
        RAISE EXCEPTION 'casetrail: line % is not the next line: the log ends at %', NEW.seq, coalesce(head, 0) USING ERRCODE = '40001';
      END IF;
      IF body->>'prev' IS DISTINCT FROM coalesce(previous, repeat('0', 64)) THEN
        RAISE EXCEPTION 'casetrail: line % does not link to the line before it', NEW.seq USING ERRCODE = '23514';
      END IF;
      SELECT max(version) INTO last_version FROM casetrail.events WHERE stream = NEW.stream;
      IF NEW.version IS DISTINCT FROM coalesce(last_version, 0) + 1 THEN
        RAISE EXCEPTION 'casetrail: stream % is at version %, so line % cannot be its version %', NEW.stream, coalesce(last_version, 0), NEW.seq, NEW.version
          USING ERRCODE = '40001';
      END IF;
      RETURN NEW;
    END $$;

    CREATE FUNCTION casetrail.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'casetrail: committed lines are never changed or removed; record a correction instead' USING ERRCODE = '42501';
    END $$;

    -- A committed line changes only inside casetrail.redact_line, which says which line it is changing:
    -- its text and nothing else, never removed.
    CREATE FUNCTION casetrail.refuse_line_change() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND current_setting('casetrail.redacting', true) = OLD.seq::text
         AND NEW.seq = OLD.seq AND NEW.stream = OLD.stream AND NEW.version = OLD.version AND NEW.actor = OLD.actor
         AND NEW.hash = OLD.hash AND NEW.committed_by = OLD.committed_by AND NEW.committed_at = OLD.committed_at THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'casetrail: committed lines are never changed or removed; record a correction instead' USING ERRCODE = '42501';
    END $$;

    -- The one sanctioned change to a committed line (casetrail redact), for admins only (casetrail
    -- grants them EXECUTE): line target takes the text redacted, which must be the line with only the
    -- fields named by the line_redacted event this session added last, in this transaction, reading
    -- [redacted]; that event must name the line's hash and the SHA-256 of its new text.
    CREATE FUNCTION casetrail.redact_line(target bigint, redacted text) RETURNS void LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    DECLARE
      old_row casetrail.events%ROWTYPE;
      vouch_row casetrail.events%ROWTYPE;
      vouch_xmin xid;
      was jsonb;
      now_line jsonb;
      v jsonb;
      fields jsonb;
      k text;
    BEGIN
      PERFORM pg_advisory_xact_lock(\(appendLock));
      SELECT * INTO old_row FROM casetrail.events WHERE seq = target;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'casetrail: the log has no line %', target USING ERRCODE = '22023';
      END IF;
      SELECT e.* INTO vouch_row FROM casetrail.events e ORDER BY e.seq DESC LIMIT 1;
      SELECT e.xmin INTO vouch_xmin FROM casetrail.events e WHERE e.seq = vouch_row.seq;
      v := vouch_row.line::jsonb;
      IF vouch_xmin IS DISTINCT FROM pg_current_xact_id()::xid OR vouch_row.committed_by IS DISTINCT FROM session_user
         OR v->>'type' IS DISTINCT FROM 'line_redacted' OR v->'data'->'seq' IS DISTINCT FROM to_jsonb(target)
         OR v->'data'->>'original_hash' IS DISTINCT FROM old_row.hash
         OR v->'data'->>'sha256' IS DISTINCT FROM encode(sha256(convert_to(redacted, 'UTF8')), 'hex') THEN
        RAISE EXCEPTION 'casetrail: line % may be redacted only by the line_redacted event this session has just added for exactly its new text', target
          USING ERRCODE = '42501';
      END IF;
      BEGIN
        now_line := redacted::jsonb;
      EXCEPTION WHEN others THEN
        RAISE EXCEPTION 'casetrail: the redacted line % is not a JSON object', target USING ERRCODE = '23514';
      END;
      was := old_row.line::jsonb;
      fields := v->'data'->'fields';
      IF jsonb_typeof(now_line) IS DISTINCT FROM 'object' OR (now_line - 'data') IS DISTINCT FROM (was - 'data')
         OR jsonb_typeof(now_line->'data') IS DISTINCT FROM 'object' OR jsonb_typeof(fields) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'casetrail: a redaction of line % may change only its fields'' text', target USING ERRCODE = '23514';
      END IF;
      FOR k IN SELECT jsonb_object_keys(was->'data') UNION SELECT jsonb_object_keys(now_line->'data') LOOP
        IF fields ? k THEN
          IF now_line->'data'->k IS DISTINCT FROM '"[redacted]"'::jsonb OR jsonb_typeof(was->'data'->k) IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'casetrail: the field % of line % is not text that now reads [redacted]', k, target USING ERRCODE = '23514';
          END IF;
        ELSIF now_line->'data'->k IS DISTINCT FROM was->'data'->k THEN
          RAISE EXCEPTION 'casetrail: a redaction of line % may change only the fields it names, not %', target, k USING ERRCODE = '23514';
        END IF;
      END LOOP;
      PERFORM set_config('casetrail.redacting', target::text, true);
      EXECUTE format('GRANT UPDATE (line) ON casetrail.events TO %I', current_user);
      UPDATE casetrail.events SET line = redacted WHERE seq = target;
      EXECUTE format('REVOKE UPDATE (line) ON casetrail.events FROM %I', current_user);
      PERFORM set_config('casetrail.redacting', '', true);
    END $$;

    CREATE TRIGGER check_new_line BEFORE INSERT ON casetrail.events FOR EACH ROW EXECUTE FUNCTION casetrail.check_new_line();
    CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON casetrail.events FOR EACH ROW EXECUTE FUNCTION casetrail.refuse_line_change();
    CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON casetrail.events FOR EACH STATEMENT EXECUTE FUNCTION casetrail.refuse_change();
    CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON casetrail.log FOR EACH ROW EXECUTE FUNCTION casetrail.refuse_change();
    CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON casetrail.log FOR EACH STATEMENT EXECUTE FUNCTION casetrail.refuse_change();

    -- Members get exactly what they need: read the log, add lines. Run by the owner's rights, and
    -- only for admins (casetrail grants them EXECUTE), so an admin need not own the tables.
    CREATE FUNCTION casetrail.grant_member(member name, admin boolean) RETURNS void LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = member) THEN
        RAISE EXCEPTION 'casetrail: there is no database role %', member USING ERRCODE = '42704';
      END IF;
      EXECUTE format('GRANT USAGE ON SCHEMA casetrail TO %I', member);
      EXECUTE format('GRANT SELECT, INSERT ON casetrail.events TO %I', member);
      EXECUTE format('GRANT SELECT ON casetrail.log TO %I', member);
      IF admin THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION casetrail.grant_member(name, boolean), casetrail.revoke_member(name), casetrail.redact_line(bigint, text) TO %I', member);
      END IF;
    END $$;

    CREATE FUNCTION casetrail.revoke_member(member name) RETURNS void LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
      IF member = (SELECT owner FROM casetrail.log) THEN RETURN; END IF;
      EXECUTE format('REVOKE EXECUTE ON FUNCTION casetrail.grant_member(name, boolean), casetrail.revoke_member(name), casetrail.redact_line(bigint, text) FROM %I', member);
      EXECUTE format('REVOKE ALL ON casetrail.events, casetrail.log FROM %I', member);
      EXECUTE format('REVOKE ALL ON SCHEMA casetrail FROM %I', member);
    END $$;

    REVOKE ALL ON FUNCTION casetrail.grant_member(name, boolean), casetrail.revoke_member(name), casetrail.redact_line(bigint, text) FROM PUBLIC;
    REVOKE ALL ON SCHEMA casetrail FROM PUBLIC;
    REVOKE ALL ON casetrail.events, casetrail.log FROM PUBLIC;
    -- Not even the owner changes a committed line through its privileges.
    REVOKE UPDATE, DELETE, TRUNCATE ON casetrail.events, casetrail.log FROM CURRENT_USER;
    """
}
