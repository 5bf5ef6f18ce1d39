/**
 * A small client-side router: paths map to typed routes, links push history entries. The node serves index.html for
 * every non-API path, so deep links work. Tests use MemoryRouter.
 */

import {
  type AnchorHTMLAttributes,
  createContext,
  type MouseEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from "react";
import { parseRoute, type Route } from "./routes.ts";

export { parseRoute, paths, type Route } from "./routes.ts";

interface Nav {
  path: string;
  navigate(to: string, opts?: { replace?: boolean }): void;
}

const NavContext = createContext<Nav | null>(null);

export function BrowserRouter({ children }: { children: ReactNode }) {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const navigate = useCallback((to: string, opts: { replace?: boolean } = {}) => {
    if (opts.replace) window.history.replaceState(null, "", to);
    else window.history.pushState(null, "", to);
    setPath(new URL(to, window.location.href).pathname);
    window.scrollTo(0, 0);
  }, []);
  const nav = useMemo(() => ({ path, navigate }), [path, navigate]);
  return <NavContext.Provider value={nav}>{children}</NavContext.Provider>;
}

/** A router that keeps its location in memory (component tests). */
export function MemoryRouter({ initialPath = "/", children }: { initialPath?: string; children: ReactNode }) {
  const [path, setPath] = useState(initialPath);
  const nav = useMemo(() => ({ path, navigate: (to: string) => setPath(to) }), [path]);
  return <NavContext.Provider value={nav}>{children}</NavContext.Provider>;
}

export function useNav(): Nav {
  const nav = useContext(NavContext);
  if (nav === null) throw new Error("no router");
  return nav;
}

export function useRoute(): Route {
  const { path } = useNav();
  return useMemo(() => parseRoute(path), [path]);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { to: string };

export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const { navigate, path } = useNav();
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} aria-current={path === to ? "page" : undefined} {...rest}>
      {children}
    </a>
  );
}
