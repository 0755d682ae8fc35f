package store

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
)

// The writing half of the history import (history_import.go): a clean plan becomes rows, table
// by table, in multi-row INSERTs.

// ---- writing ----

// historyChunk is how many rows one multi-row INSERT of the import carries (fewer when a row
// has many columns, to stay under both engines' limit on parameters).
const historyChunk = 500

// insertMany writes n rows into table with a multi-row INSERT per full chunk and a single-row
// INSERT (prepared once) for the rest, so each table takes two SQL strings, not one per row.
func (tx *Tx) insertMany(table string, cols []string, n int, row func(i int) []any) (int, error) {
	if n == 0 {
		return 0, nil
	}
	tx.changed = true
	per := min(historyChunk, 30000/len(cols))
	one := func(k int) string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		p := 1
		for r := 0; r < k; r++ {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + strconv.Itoa(p))
				p++
			}
			b.WriteByte(')')
		}
		return b.String()
	}
	i := 0
	if n >= per {
		st, err := tx.tx.PrepareContext(tx.ctx, one(per))
		if err != nil {
			return 0, err
		}
		args := make([]any, 0, per*len(cols))
		for ; i+per <= n; i += per {
			args = args[:0]
			for r := i; r < i+per; r++ {
				args = append(args, row(r)...)
			}
			if _, err := st.ExecContext(tx.ctx, args...); err != nil {
				st.Close()
				return 0, mapError(err, table)
			}
		}
		st.Close()
	}
	if i < n {
		st, err := tx.tx.PrepareContext(tx.ctx, one(1))
		if err != nil {
			return 0, err
		}
		defer st.Close()
		for ; i < n; i++ {
			if _, err := st.ExecContext(tx.ctx, row(i)...); err != nil {
				return 0, mapError(err, table)
			}
		}
	}
	return n, nil
}

// picked is the rows of a file in a given state.
func picked(states []rowState, want rowState) []int {
	var out []int
	for i, s := range states {
		if s == want {
			out = append(out, i)
		}
	}
	return out
}

// writeHistory writes a clean plan; importID is the upload's id.
func (tx *Tx) writeHistory(p *histPlan, importID int64) (map[string]int, error) {
	now := tx.Now.Truncate(time.Microsecond)
	w := map[string]int{}
	put := func(table string, cols []string, n int, row func(int) []any) error {
		k, err := tx.insertMany(table, cols, n, row)
		w[table] += k
		return err
	}
	// external references of every row that had none: created, or matched by its natural key
	type ref struct {
		kind, ext string
		id        int64
	}
	var refs []ref
	addRefs := func(kind string, exts []string, known map[string]int64, states []rowState, ids []int64) {
		for i, s := range states {
			if s == rowBad {
				continue
			}
			if _, in := known[exts[i]]; in {
				continue
			}
			refs = append(refs, ref{kind, exts[i], ids[i]})
		}
	}

	// organisations and their blacklist
	og := picked(p.orgs.state, rowCreate)
	if err := put("organisations", []string{"id", "kind", "name", "credit_code", "code_status", "county", "address", "contact", "phone",
		"capacity", "created_at", "updated_at", "version"}, len(og), func(k int) []any {
		i := og[k]
		o := p.orgs.rows[i].Org
		return []any{p.orgs.id[i], string(o.Kind), o.Name, string(o.CreditCode), string(o.CodeStatus), o.County, o.Address, "", "", 0, now, now, int64(1)}
	}); err != nil {
		return w, err
	}
	type scoped struct {
		org int64
		e   xiangpei.ScopeEntry
	}
	var scopes []scoped
	for _, i := range og {
		for _, e := range p.orgs.rows[i].Scope {
			scopes = append(scopes, scoped{p.orgs.id[i], e})
		}
	}
	if err := put("org_scopes", []string{"id", "org_id", "occupation_code", "level", "created_at"}, len(scopes), func(k int) []any {
		return []any{xiangpei.NewID(), scopes[k].org, scopes[k].e.OccupationCode, scopes[k].e.Level, now}
	}); err != nil {
		return w, err
	}
	evidence := "历史数据迁入 " + p.source
	if err := put("sanctions", []string{"id", "org_id", "kind", "reason", "evidence", "starts_on", "ends_on", "decided_by", "created_at"},
		len(p.orgSanct), func(k int) []any {
			i := p.orgSanct[k]
			b := p.orgs.rows[i].Blacklist
			return []any{xiangpei.NewID(), p.orgs.id[i], "blacklist", b.Reason, evidence, b.Since, "", tx.Actor.AccountID, now}
		}); err != nil {
		return w, err
	}
	addRefs("organisation", p.orgs.ext, p.orgs.known, p.orgs.state, p.orgs.id)

	// persons and their blacklist
	pg := picked(p.persons.state, rowCreate)
	if err := put("persons", []string{"id", "id_number", "name", "sex", "birth_date", "phone", "household", "county", "employment",
		"created_at", "updated_at", "version"}, len(pg), func(k int) []any {
		i := pg[k]
		x := p.persons.rows[i].Person
		return []any{p.persons.id[i], string(x.IDNumber), x.Name, string(x.Sex), x.BirthDate, x.Phone, x.Household, x.County, x.Employment, now, now, int64(1)}
	}); err != nil {
		return w, err
	}
	if err := put("person_sanctions", []string{"id", "person_id", "kind", "reason", "evidence", "starts_on", "ends_on", "decided_by", "created_at"},
		len(p.perSanct), func(k int) []any {
			i := p.perSanct[k]
			b := p.persons.rows[i].Blacklist
			return []any{xiangpei.NewID(), p.persons.id[i], "blacklist", b.Reason, evidence, b.Since, "", tx.Actor.AccountID, now}
		}); err != nil {
		return w, err
	}
	addRefs("person", p.persons.ext, p.persons.known, p.persons.state, p.persons.id)

	// venues, teachers, classes
	cg := picked(p.classes.state, rowCreate)
	if err := put("venues", []string{"id", "org_id", "name", "address", "county", "lat", "lng", "created_at"}, len(cg), func(k int) []any {
		i := cg[k]
		v := p.classes.rows[i].Venue
		return []any{p.venueOf[i], p.classOrg[i], v.Name, v.Address, p.classCty[i], v.Lat, v.Lng, now}
	}); err != nil {
		return w, err
	}
	if err := put("teachers", []string{"id", "org_id", "name", "id_number", "qualification", "created_at"}, len(p.newTeach), func(k int) []any {
		t := p.newTeach[k]
		return []any{t.ID, t.OrgID, t.Name, string(t.IDNumber), t.Qualification, now}
	}); err != nil {
		return w, err
	}
	cal, err := tx.db.Calendar(tx.ctx)
	if err != nil {
		return w, err
	}
	rules := tx.db.Rules()
	enrolled := map[int]int{}
	for i, ci := range p.trClass {
		if p.trainees.state[i] == rowCreate && p.trainees.rows[i].Status != xiangpei.TraineeWithdrawn {
			enrolled[ci]++
		}
	}
	if err := put("classes", []string{"id", "org_id", "county", "name", "occupation_code", "level", "funding", "theory_hours", "practice_hours",
		"venue_id", "capacity", "status", "first_session", "last_session", "filed_at", "late", "enrolled", "created_at", "updated_at", "version"},
		len(cg), func(k int) []any {
			i := cg[k]
			c := p.classes.rows[i]
			late := xiangpei.FiledLate(cal, p.classFirst[i], c.FiledAt, rules.FilingLeadWorkdays)
			return []any{p.classes.id[i], p.classOrg[i], p.classCty[i], c.Name, c.OccupationCode, c.Level, c.Funding,
				(p.classMins[0][i] + 59) / 60, (p.classMins[1][i] + 59) / 60, p.venueOf[i], c.Capacity, string(c.Status),
				p.classFirst[i].UTC(), p.classLast[i].UTC(), c.FiledAt.UTC(), late, enrolled[i], now, now, int64(1)}
		}); err != nil {
		return w, err
	}
	addRefs("class", p.classes.ext, p.classes.known, p.classes.state, p.classes.id)
	sg := picked(p.sessions.state, rowCreate)
	if err := put("class_sessions", []string{"id", "class_id", "seq", "starts_at", "ends_at", "kind", "venue_id", "teacher_id", "makeup", "qr_key"},
		len(sg), func(k int) []any {
			i := sg[k]
			s := p.sessions.rows[i]
			ci := p.sessClass[i]
			return []any{p.sessions.id[i], p.classes.id[ci], p.sessSeq[i], s.Starts.UTC(), s.Ends.UTC(), s.Kind, p.venueOf[ci], p.sessTeach[i], false, newQRKey()}
		}); err != nil {
		return w, err
	}
	type ct struct{ class, teacher int64 }
	ctSeen := map[ct]bool{}
	var cts []ct
	for _, i := range sg {
		k := ct{p.classes.id[p.sessClass[i]], p.sessTeach[i]}
		if !ctSeen[k] {
			ctSeen[k] = true
			cts = append(cts, k)
		}
	}
	if err := put("class_teachers", []string{"class_id", "teacher_id"}, len(cts), func(k int) []any { return []any{cts[k].class, cts[k].teacher} }); err != nil {
		return w, err
	}
	addRefs("session", p.sessions.ext, p.sessions.known, p.sessions.state, p.sessions.id)

	// rosters
	tg := picked(p.trainees.state, rowCreate)
	if err := put("trainees", []string{"id", "class_id", "person_id", "source", "status", "subsidised", "occupation_code", "level", "year",
		"attended_minutes", "note", "added_by", "added_at", "updated_at", "version"}, len(tg), func(k int) []any {
		i := tg[k]
		t := p.trainees.rows[i]
		ci := p.trClass[i]
		c := p.classes.rows[ci]
		return []any{p.trainees.id[i], p.classes.id[ci], p.trPerson[i], xiangpei.SourceImport, string(t.Status), c.Funding == xiangpei.FundingSubsidised,
			c.OccupationCode, c.Level, p.classFirst[ci].In(xiangpei.ChinaTime).Year(), t.Minutes, "历史数据迁入", tx.Actor.AccountID, now, now, int64(1)}
	}); err != nil {
		return w, err
	}
	addRefs("trainee", p.trainees.ext, p.trainees.known, p.trainees.state, p.trainees.id)

	// attendance events and the hours they give
	eg := picked(p.events.state, rowCreate)
	pairs := map[[2]int64][]xiangpei.Event{}
	if err := put("attendance_events", []string{"id", "session_id", "class_id", "person_id", "kind", "at", "source", "device", "terminal",
		"lat", "lng", "event_key", "created_at"}, len(eg), func(k int) []any {
		i := eg[k]
		e := p.events.rows[i]
		si := p.evSession[i]
		x := xiangpei.Event{ID: p.events.id[i], SessionID: p.sessions.id[si], ClassID: p.classes.id[p.sessClass[si]], PersonID: p.evPerson[i],
			Kind: e.Kind, At: e.At.UTC(), Source: xiangpei.FromHistory, Device: e.Device, Terminal: e.Terminal, Lat: e.Lat, Lng: e.Lng, HasPlace: e.HasPlace}
		pk := [2]int64{x.SessionID, x.PersonID}
		pairs[pk] = append(pairs[pk], x)
		lat, lng := eventPlace(x)
		return []any{x.ID, x.SessionID, x.ClassID, x.PersonID, x.Kind, x.At, x.Source, x.Device, x.Terminal, lat, lng, EventKey(x), now}
	}); err != nil {
		return w, err
	}
	sessRow := make(map[int64]int, len(sg))
	for _, si := range sg {
		sessRow[p.sessions.id[si]] = si
	}
	hours := make([]hoursRow, 0, len(pairs))
	for pk, evs := range pairs {
		si := sessRow[pk[0]]
		s := p.sessions.rows[si]
		sess := xiangpei.Session{ID: pk[0], Starts: s.Starts.UTC(), Ends: s.Ends.UTC(), Kind: s.Kind}
		slices.SortFunc(evs, func(a, b xiangpei.Event) int { return a.At.Compare(b.At) })
		m, first, last := xiangpei.SessionMinutes(sess, evs)
		hours = append(hours, hoursRow{session: pk[0], person: pk[1], class: p.classes.id[p.sessClass[si]], minutes: m, in: first, out: last})
	}
	slices.SortFunc(hours, func(a, b hoursRow) int {
		if c := cmp.Compare(a.session, b.session); c != 0 {
			return c
		}
		return cmp.Compare(a.person, b.person)
	})
	if err := tx.upsertHours(hours); err != nil {
		return w, err
	}
	w["attendance_hours"] = len(hours)
	addRefs("attendance", p.events.ext, p.events.known, p.events.state, p.events.id)

	// certificates, insurance, subsidies already paid
	eg2 := picked(p.certs.state, rowCreate)
	if err := put("certificates", []string{"id", "number", "kind", "person_id", "county", "occupation_code", "level", "issuer_org_id", "issuer_name",
		"issued_on", "source", "source_id", "status", "revoked_at", "revoked_reason", "created_at", "updated_at", "version"}, len(eg2), func(k int) []any {
		i := eg2[k]
		c := p.certs.rows[i]
		status, revokedAt, reason := string(xiangpei.CertValid), any(nil), ""
		if c.Revoked {
			status, revokedAt, reason = string(xiangpei.CertRevoked), now, "历史数据迁入: 原系统已注销"
		}
		return []any{p.certs.id[i], c.Number, string(c.Kind), p.certPerson[i], p.certCounty[i], c.OccupationCode, c.Level, nullID(p.certIssuer[i]),
			c.IssuerName, c.IssuedOn, string(xiangpei.CertFromHistory), p.certs.id[i], status, revokedAt, reason, now, now, int64(1)}
	}); err != nil {
		return w, err
	}
	addRefs("certificate", p.certs.ext, p.certs.known, p.certs.state, p.certs.id)
	ig := picked(p.insur.state, rowCreate)
	if err := put("insurance_records", []string{"id", "person_id", "employer", "full_time", "starts_on", "ends_on", "imported_at"}, len(ig), func(k int) []any {
		i := ig[k]
		x := p.insur.rows[i]
		return []any{p.insur.id[i], p.insPerson[i], x.Employer, x.FullTime, x.StartsOn, x.EndsOn, now}
	}); err != nil {
		return w, err
	}
	addRefs("insurance", p.insur.ext, p.insur.known, p.insur.state, p.insur.id)
	ug := picked(p.subs.state, rowCreate)
	if err := put("prior_subsidies", []string{"id", "person_id", "occupation_code", "level", "year", "paid_on", "amount_fen", "payee", "class_id",
		"import_id", "created_at"}, len(ug), func(k int) []any {
		i := ug[k]
		x := p.subs.rows[i]
		return []any{p.subs.id[i], p.subPerson[i], x.OccupationCode, x.Level, x.Year, x.PaidOn, x.AmountFen, x.Payee, nullID(p.subClass[i]), importID, now}
	}); err != nil {
		return w, err
	}
	addRefs("subsidy", p.subs.ext, p.subs.known, p.subs.state, p.subs.id)

	if err := put("external_refs", []string{"id", "source", "kind", "ext_id", "internal_id", "import_id", "created_at"}, len(refs), func(k int) []any {
		r := refs[k]
		return []any{xiangpei.NewID(), p.source, r.kind, r.ext, r.id, importID, now}
	}); err != nil {
		return w, err
	}
	return w, nil
}
