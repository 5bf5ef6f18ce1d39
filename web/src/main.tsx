import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, Providers } from "./App.tsx";
import { httpClient } from "./api/client.ts";
import { BrowserRouter } from "./router.tsx";
import "./styles.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Providers client={httpClient("/api")}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </Providers>
  </StrictMode>,
);
