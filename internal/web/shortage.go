package web

func (s *Server) registerShortageRoutes() {}
