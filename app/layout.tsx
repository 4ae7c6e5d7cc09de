import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = { title: "Warren", description: "Highly available RabbitMQ clusters, built and watched over SSH" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The per-request nonce the Content-Security-Policy allows (set in proxy.ts).
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // next-themes sets the theme class on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen bg-page text-fg antialiased">
        <Providers nonce={nonce}>{children}</Providers>
      </body>
    </html>
  );
}
