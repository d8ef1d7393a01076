import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.tsx'
import { LoginPage } from './components/login-page.tsx'
import { SessionProvider, redirectWhenSignedOut } from './session.tsx'
import './styles.css'
import './access.css'

redirectWhenSignedOut()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {window.location.pathname === '/login' ? (
      <LoginPage />
    ) : (
      <SessionProvider>
        <App />
      </SessionProvider>
    )}
  </StrictMode>,
)
