package store

// nextSerial takes the next serial (1, 2, …) of a numbering prefix — a certificate series, the
// student numbers of a county and year. The counter row is locked by its UPDATE until the
// transaction ends, so two transactions never get the same serial.
func (tx *Tx) nextSerial(prefix string) (int64, error) {
	if _, err := tx.exec(`INSERT INTO serials (prefix, next) VALUES ($1, 0) ON CONFLICT (prefix) DO NOTHING`, prefix); err != nil {
		return 0, err
	}
	var serial int64
	err := tx.tx.QueryRowContext(tx.ctx, `UPDATE serials SET next = next + 1 WHERE prefix = $1 RETURNING next`, prefix).Scan(&serial)
	return serial, err
}
