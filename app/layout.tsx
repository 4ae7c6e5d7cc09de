import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = { title: "Warren", description: "Highly available RabbitMQ clusters, built and watched over SSH" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // next-themes sets the theme class on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen bg-page text-fg antialiased">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
