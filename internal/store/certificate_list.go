package store

import (
	"context"
	"strconv"
	"strings"

	"xiangpei"
)

// 评 — certificates (SPEC §5): the lists of certificates within scope, and revocation by the
// issuing body or an officer of the issuer's region. Issuing and reading one certificate live
// in certificate.go.

// CertFilter narrows a list of certificates. Every field is optional.
type CertFilter struct {
	Number     string // a whole number or a part of one, in any spelling (NormaliseCertNumber)
	Name       string // part of the holder's name
	Occupation string // an occupation code, or part of its name
	Status     xiangpei.CertStatus
	Kind       xiangpei.CertKind
	Year       int   // year of issue, 0 any
	IssuerID   int64 // one issuing body, 0 any
}

// Certificates lists certificates within scope matching f, newest first, with the total:
// officers see those issued in their region, an assessment body those it issued, a person
// their own.
func (db *DB) Certificates(ctx context.Context, s xiangpei.Scope, f CertFilter, page Page) ([]xiangpei.Certificate, int, error) {
	a := scopeOf(s)
	num := xiangpei.NormaliseCertNumber(f.Number)
	name := strings.TrimSpace(f.Name)
	occ := strings.TrimSpace(f.Occupation)
	year := ""
	if f.Year > 0 {
		year = strconv.Itoa(f.Year) + "-%"
	}
	where := certFrom + ` WHERE` + certScope + `
		AND ($5 = '' OR c.number LIKE $6 ESCAPE '\')
		AND ($7 = '' OR p.name LIKE $8 ESCAPE '\')
		AND ($9 = '' OR c.occupation_code = $9 OR lower(COALESCE(o.name, '')) LIKE lower($10) ESCAPE '\')
		AND ($11 = '' OR c.status = $11) AND ($12 = '' OR c.kind = $12) AND ($13 = '' OR c.issued_on LIKE $13)
		AND (CAST($14 AS BIGINT) = 0 OR c.issuer_org_id = $14)`
	args := []any{a.all, a.region, a.org, a.person, num, "%" + regEscapeLike(num) + "%", name, "%" + regEscapeLike(name) + "%",
		occ, "%" + regEscapeLike(occ) + "%", string(f.Status), string(f.Kind), year, f.IssuerID}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+certCols+where+` ORDER BY c.issued_on DESC, c.id DESC LIMIT $15 OFFSET $16`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanCertificate)
	return out, total, err
}

// CertificateYears lists the years in which certificates within scope were issued, newest
// first, for the year filter of the lists.
func (db *DB) CertificateYears(ctx context.Context, s xiangpei.Scope) ([]int, error) {
	a := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT substr(c.issued_on, 1, 4) FROM certificates c WHERE`+certScope+`
		ORDER BY 1 DESC`, a.all, a.region, a.org, a.person)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y string
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		if n, err := strconv.Atoi(y); err == nil {
			out = append(out, n)
		}
	}
	return out, rows.Err()
}

// errRevokeForbidden is returned when a scope that cannot revoke (a person's) asks to.
var errRevokeForbidden = xiangpei.Errorf(xiangpei.Forbidden, "cert.revoke_forbidden",
	"Only the issuing body or an officer of the issuer's region may revoke a certificate.")

// RevokeCertificate revokes the certificate id within scope at version, with reason: the
// issuing body (scope by organisation) or an officer of the issuer's region (scope by region).
// A certificate outside the scope is NotFound, one already revoked a Conflict, a stale version
// StaleVersion. The revocation is audited; the caller tells the holder (Tx.NotifyPerson).
func (tx *Tx) RevokeCertificate(s xiangpei.Scope, id, version int64, reason string) (xiangpei.Certificate, error) {
	if s.PersonID != 0 {
		return xiangpei.Certificate{}, errRevokeForbidden
	}
	c, err := tx.Certificate(s, id)
	if err != nil {
		return c, err
	}
	r, err := c.Revoke(reason, tx.Now)
	if err != nil {
		return c, err
	}
	if version != c.Version {
		return c, xiangpei.StaleVersion()
	}
	if err := tx.execVersioned("Certificate", `SELECT 1 FROM certificates WHERE id = $1`, id,
		`UPDATE certificates SET status = $1, revoked_at = $2, revoked_reason = $3, updated_at = $2, version = version + 1
		WHERE id = $4 AND version = $5 AND status = 'valid'`,
		string(xiangpei.CertRevoked), r.RevokedAt, r.RevokedReason, id, version); err != nil {
		return c, err
	}
	if err := tx.Audit("certificate.revoke", "certificate", id, c.County, map[string]any{"number": c.Number,
		"person": c.PersonID, "reason": r.RevokedReason}); err != nil {
		return c, err
	}
	return tx.Certificate(xiangpei.Scope{All: true}, id)
}
