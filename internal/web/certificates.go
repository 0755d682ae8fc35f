package web

// registerCertificateRoutes is written by the issue-4 work on this area.
func (s *Server) registerCertificateRoutes() {}
