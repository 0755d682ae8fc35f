package store

import (
	"context"
	"time"

	"xiangpei"
)

// 教→用 (docs/schools.md "Student registry and graduation"): a technical school's graduates are
// counted like training completers in the employment rates — one completion per diploma, on
// the graduation day, in the major's occupation, the school as the "institution", the
// programme GraduateProgram — so the rates by programme, occupation, county and institution
// show them beside last year's.

// GraduateProgram is the programme key of a graduate's completion; its label is
// GraduateProgramName.
const (
	GraduateProgram     = "technical_school"
	GraduateProgramName = "技工院校毕业"
)

// graduateScope restricts diplomas d (of students s) to a scope: officers by the school's
// county, a school its own graduates, a person their own.
const graduateScope = ` ($1 OR s.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR d.school_id = $3) AND (CAST($4 AS BIGINT) = 0 OR d.person_id = $4)`

// graduateCompletions reads the graduations within scope on a China date in [from, to) as
// completions (DiplomaID set, TraineeID 0), with the graduates' key groups and every employment
// record of those graduates.
func graduateCompletions(ctx context.Context, q querier, s xiangpei.Scope, from, to time.Time) ([]completionRow, []xiangpei.EmploymentRecord, error) {
	a := scopeOf(s)
	args := []any{a.all, a.region, a.org, a.person, xiangpei.ChinaDate(from), xiangpei.ChinaDate(to)}
	where := ` FROM diplomas d JOIN students s ON s.id = d.student_id WHERE d.graduated_on >= $5 AND d.graduated_on < $6 AND` + graduateScope
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.person_id, d.school_id, o.name, o.name || ' · ' || m.name, m.occupation, COALESCE(oc.name, m.occupation),
		s.county, d.graduated_on, p.name, p.id_number FROM diplomas d JOIN students s ON s.id = d.student_id
		JOIN organisations o ON o.id = d.school_id JOIN majors m ON m.id = d.major_id JOIN persons p ON p.id = d.person_id
		LEFT JOIN occupations oc ON oc.code = m.occupation
		WHERE d.graduated_on >= $5 AND d.graduated_on < $6 AND`+graduateScope+` ORDER BY d.graduated_on, d.id`, args...)
	if err != nil {
		return nil, nil, err
	}
	list, err := collect(rows, func(r scanner) (completionRow, error) {
		var c completionRow
		var on, id string
		err := r.Scan(&c.DiplomaID, &c.PersonID, &c.Institution, &c.OrgName, &c.ClassName, &c.Completion.Occupation, &c.Occupation, &c.County, &on,
			&c.PersonName, &id)
		c.Program, c.ProgramName = GraduateProgram, GraduateProgramName
		c.CompletedOn, c.MaskedID = parseDay(on), xiangpei.IDNumber(id).Masked()
		return c, err
	})
	if err != nil || len(list) == 0 {
		return list, nil, err
	}
	groups, err := keyGroupsOf(ctx, q, `SELECT d.person_id`+where, args)
	if err != nil {
		return nil, nil, err
	}
	for i := range list {
		list[i].KeyGroups = groups[list[i].PersonID]
	}
	recs, err := recordsOf(ctx, q, `SELECT d.person_id`+where, args)
	return list, recs, err
}
